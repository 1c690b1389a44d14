# migraph build.
#
#   make            build build/migraph
#   make demo       run migraph on the bundled example project (corpora/)
#   make check      every test suite, unit tests also under ASan+UBSan
#   make install PREFIX=/usr/local
#
# demo and check install missing Debian packages first (scripts/deps.sh).

PREFIX  ?= /usr/local
CC      ?= cc
BUILD   ?= build

PKGS     := libxml-2.0 yaml-0.1 libcgraph libgvc
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# Debian's libpg_query ships no pkg-config file.
PGQ_LIBS   := -lpg_query -lprotobuf-c

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS   ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) \
              -Iinclude -Isrc $(PKG_CFLAGS) $(CFLAGS)
LDLIBS   := $(PKG_LIBS) $(PGQ_LIBS) -lm

SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
             -fno-sanitize-recover=undefined

# Quiet by default; V=1 shows every command.
Q := $(if $(V),,@)

LIB_SRCS := $(shell find src -name '*.c' -not -path 'src/cli/*' | sort)
CLI_SRCS := $(sort $(wildcard src/cli/*.c))
HDRS     := $(shell find include src -name '*.h')
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))

LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/obj/%.o)
SAN_LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/san/%.o)
SAN_CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/san/%.o)

UNIT_BINS     := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
SAN_UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/san-tests/%)

.PHONY: all deps deps-check demo check unit unit-san install uninstall clean format truth fuzz bench

all: $(BUILD)/migraph

deps:
	@scripts/deps.sh build

deps-check:
	@scripts/deps.sh check

$(BUILD)/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/san/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC-SAN  $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(BUILD)/libmigraph.a: $(LIB_OBJS)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/libmigraph-san.a: $(SAN_LIB_OBJS)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/migraph: $(CLI_OBJS) $(BUILD)/libmigraph.a
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $(CLI_OBJS) $(BUILD)/libmigraph.a $(LDLIBS)

$(BUILD)/migraph-san: $(SAN_CLI_OBJS) $(BUILD)/libmigraph-san.a
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -o $@ $(SAN_CLI_OBJS) $(BUILD)/libmigraph-san.a $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(BUILD)/libmigraph.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(BUILD)/libmigraph.a $(LDLIBS) -lcmocka

$(BUILD)/san-tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(BUILD)/libmigraph-san.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -Itests/unit -o $@ $< $(BUILD)/libmigraph-san.a $(LDLIBS) -lcmocka

# The plan as JSON for the suites that run it on PostgreSQL (tests/plan/).
$(BUILD)/plan-dump: tests/plan/plan_dump.c $(filter-out %/main.o,$(CLI_OBJS)) $(BUILD)/libmigraph.a
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(filter-out %/main.o,$(CLI_OBJS)) $(BUILD)/libmigraph.a $(LDLIBS)

unit: $(UNIT_BINS) $(BUILD)/plan-dump
# Test tools: small programs the end-to-end suites drive (tests/assure).
$(BUILD)/tools/plan_dump: tests/assure/plan_dump.c $(BUILD)/libmigraph.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TOOL    $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libmigraph.a $(LDLIBS)

unit: $(UNIT_BINS) $(BUILD)/tools/plan_dump
unit-san: $(SAN_UNIT_BINS) $(BUILD)/migraph-san

DEMO := corpora/shop-flyway
demo: deps
	@$(MAKE) --no-print-directory all
	@echo "== migraph list $(DEMO)/flyway.conf   (execution order, operations, locks)"
	@$(BUILD)/migraph list --profile $(DEMO)/prod-profile.yaml $(DEMO)/flyway.conf
	@echo
	@echo "== migraph check $(DEMO)/flyway.conf --profile $(DEMO)/prod-profile.yaml"
	@$(BUILD)/migraph check --profile $(DEMO)/prod-profile.yaml $(DEMO)/flyway.conf; \
	  rc=$$?; echo "(exit code $$rc: 0 = nothing reaches --fail-on, 1 = something does)"; \
	  [ $$rc -le 1 ]
	@mkdir -p $(BUILD)/demo
	@echo
	@echo "== migraph review $(DEMO)/flyway.conf --profile $(DEMO)/prod-profile.yaml"
	@$(BUILD)/migraph review --profile $(DEMO)/prod-profile.yaml $(DEMO)/flyway.conf \
	  -o $(BUILD)/demo/review.md --graph $(BUILD)/demo/rollout.svg
	@$(BUILD)/migraph graph --profile $(DEMO)/prod-profile.yaml $(DEMO)/flyway.conf \
	  -o $(BUILD)/demo/rollout.png
	@$(BUILD)/migraph review --format text --profile $(DEMO)/prod-profile.yaml $(DEMO)/flyway.conf
	@echo
	@echo "(the review as Markdown: $(BUILD)/demo/review.md; the rollout diagram:" \
	  "$(BUILD)/demo/rollout.svg and rollout.png)"

# One run of every suite; tests/run.sh prints the single summary line.
check: deps-check
	@$(MAKE) --no-print-directory all unit unit-san
	@BUILD=$(BUILD) tests/run.sh

install: $(BUILD)/migraph
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/migraph $(DESTDIR)$(PREFIX)/bin/migraph
	install -m 644 man/migraph.1 $(DESTDIR)$(PREFIX)/share/man/man1/migraph.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/migraph $(DESTDIR)$(PREFIX)/share/man/man1/migraph.1

# Observe lock behaviour on real PostgreSQL 10-18 and rewrite tests/truth/observed.
truth: deps-check
	tests/truth/run.sh

# libFuzzer targets, each for FUZZ_SECONDS (default 300); counts in tests/fuzz/.
fuzz: deps-check
	tests/fuzz/run.sh

# Side by side with squawk and Liquibase; never part of make check.
bench: deps-check
	bench/run.sh

format:
	clang-format -i $$(find src include tests -name '*.[ch]')

clean:
	rm -rf $(BUILD)

/*
 * raw_xml.c: the floor for XML changelogs, libxml2 alone.  Parses each
 * file named on the command line into a tree with the options migraph
 * uses for untrusted input (no network, no entity substitution, no DTD
 * loading), then frees it.
 */
#include <libxml/parser.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	size_t errors = 0;
	xmlInitParser();
	for (int i = 1; i < argc; i++) {
		xmlDocPtr doc = xmlReadFile(argv[i], NULL,
		                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
		errors += doc == NULL;
		xmlFreeDoc(doc);
	}
	xmlCleanupParser();
	fprintf(stderr, "raw_xml: %d files, %zu with a parse error\n", argc - 1, errors);
	return 0;
}

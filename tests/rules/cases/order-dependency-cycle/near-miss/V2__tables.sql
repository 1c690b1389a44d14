CREATE TABLE a_t (id int);
CREATE TABLE b_t (id int);

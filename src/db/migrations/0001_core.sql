-- Core tables shared by every domain. Later migrations add one domain each.
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

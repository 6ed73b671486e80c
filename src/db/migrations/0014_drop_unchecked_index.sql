-- Every held job's document went into this partial index on arrival and out of it after its
-- check: two more pages written per job on the spool's busiest path. The only reader is the
-- start-up scan for documents left unchecked, and print_job_documents holds live jobs only (the
-- purge removes the rest), so that scan reads the table itself.
DROP INDEX IF EXISTS print_job_documents_unchecked;

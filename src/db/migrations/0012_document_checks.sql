-- A small, plainly structured PDF is accepted as soon as its page tree has been counted
-- (src/spool/formats/pdf-quick-count.ts); the full pdfjs check in the isolated worker follows
-- right after the answer. `checked` is 0 until that check passed. A job is never released while
-- one of its documents is unchecked, and a restart checks what was left unchecked.
ALTER TABLE print_job_documents ADD COLUMN checked INTEGER NOT NULL DEFAULT 1 CHECK (checked IN (0, 1));
CREATE INDEX print_job_documents_unchecked ON print_job_documents (job_id) WHERE checked = 0;

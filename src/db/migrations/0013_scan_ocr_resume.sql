-- Background OCR of a finished scan survives a restart: what `runOcr` needs besides the stored
-- page images is kept with the document, so a start-up can queue every document still 'pending'
-- (src/scan/scan.usecases.ts, resumeOcrAfterRestart). Rows from before this migration keep NULL
-- and cannot be resumed; a restart marks them 'failed' (the PDF without text stays).
-- JSON array of the page geometry from exportPdf, one {x, y, width, height} in PDF points per
-- page, where the invisible words go. Geometry only, no content; NULL when OCR is off.
ALTER TABLE scan_documents ADD COLUMN ocr_placements TEXT CHECK (ocr_placements IS NULL OR json_valid(ocr_placements));
-- The size the citizen picked ("passt für 2 / 5 / 10 MB"), in bytes: a text layer that would make
-- the PDF larger is dropped. NULL when OCR is off.
ALTER TABLE scan_documents ADD COLUMN target_bytes INTEGER CHECK (target_bytes IS NULL OR target_bytes > 0);

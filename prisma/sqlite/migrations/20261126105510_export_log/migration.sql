-- CreateTable
CREATE TABLE "export_log" (
    "seq" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "export_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "requested_by" TEXT NOT NULL,
    "filters" TEXT NOT NULL,
    "bom" BOOLEAN NOT NULL,
    "filename" TEXT NOT NULL,
    "snapshot_max_id" INTEGER NOT NULL,
    "started_at" DATETIME NOT NULL,
    "finished_at" DATETIME,
    "row_count" INTEGER,
    "byte_count" BIGINT,
    "sha256" TEXT,
    "detail" TEXT,
    "prev_hash" TEXT NOT NULL,
    "entry_hash" TEXT NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "export_log_entry_hash_key" ON "export_log"("entry_hash");

-- CreateIndex
CREATE INDEX "export_log_status_idx" ON "export_log"("status", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "export_log_export_status_key" ON "export_log"("export_id", "status");

-- Added by hand: the export log is append-only in the database too, not only in the app. This
-- stops accidents, while the hash chain (lib/export/export-log.ts) is what detects deliberate edits.
CREATE TRIGGER "export_log_no_update" BEFORE UPDATE ON "export_log"
BEGIN
    SELECT RAISE(ABORT, 'export_log is append-only');
END;

CREATE TRIGGER "export_log_no_delete" BEFORE DELETE ON "export_log"
BEGIN
    SELECT RAISE(ABORT, 'export_log is append-only');
END;

-- CreateTable
CREATE TABLE "export_log" (
    "seq" INTEGER NOT NULL,
    "export_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "requested_by" TEXT NOT NULL,
    "filters" TEXT NOT NULL,
    "bom" BOOLEAN NOT NULL,
    "filename" TEXT NOT NULL,
    "snapshot_max_id" INTEGER NOT NULL,
    "started_at" TIMESTAMP(3) NOT NULL,
    "finished_at" TIMESTAMP(3),
    "row_count" INTEGER,
    "byte_count" BIGINT,
    "sha256" TEXT,
    "detail" TEXT,
    "prev_hash" TEXT NOT NULL,
    "entry_hash" TEXT NOT NULL,

    CONSTRAINT "export_log_pkey" PRIMARY KEY ("seq")
);

-- CreateIndex
CREATE UNIQUE INDEX "export_log_entry_hash_key" ON "export_log"("entry_hash");

-- CreateIndex
CREATE INDEX "export_log_status_idx" ON "export_log"("status", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "export_log_export_status_key" ON "export_log"("export_id", "status");

-- Added by hand: the export log is append-only in the database too, not only in the app. This
-- stops accidents, while the hash chain (lib/export/export-log.ts) is what detects deliberate edits.
-- The function body is an E'' string with the semicolon written as \073 because the migration
-- runner (PrismaPg's executeScript) splits scripts at every semicolon character, quoted or not.
-- For the same reason these comments contain none.
CREATE FUNCTION "export_log_append_only"() RETURNS trigger LANGUAGE plpgsql
    AS E'BEGIN RAISE EXCEPTION ''export_log is append-only (no UPDATE, DELETE or TRUNCATE)''\073 END';

CREATE TRIGGER "export_log_no_update_delete" BEFORE UPDATE OR DELETE ON "export_log"
    FOR EACH ROW EXECUTE FUNCTION "export_log_append_only"();

CREATE TRIGGER "export_log_no_truncate" BEFORE TRUNCATE ON "export_log"
    FOR EACH STATEMENT EXECUTE FUNCTION "export_log_append_only"();

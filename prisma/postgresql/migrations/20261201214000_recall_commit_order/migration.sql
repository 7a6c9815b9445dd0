-- Commit order for the live stream (lib/recalls/stream.ts), PostgreSQL only.
--
-- Ids are taken when a row is inserted, not when it commits: with several app instances writing,
-- a transaction holding id 100 can commit after one holding id 101, so a stream resuming "after
-- id 101" would never send 100. commit_seq is the writing transaction's id (xid8: 64 bits, never
-- wraps). Every transaction below pg_snapshot_xmin(pg_current_snapshot()) has ended, so rows
-- below that horizon are final: a reader that walks (commit_seq, id) only below it misses
-- nothing and sees nothing twice, whatever order the writers commit in.
--
-- Not in the Prisma schema: Prisma has no xid8 type and the application never writes it; the
-- default fills it for every insert, whoever makes it. SQLite needs no such column: it has one
-- writer at a time, so id order is commit order there.
--
-- Adding a column with a volatile default rewrites the table once (existing rows all get this
-- migration's transaction id, ordered by id within it).
ALTER TABLE "recalls" ADD COLUMN "commit_seq" xid8 NOT NULL DEFAULT pg_current_xact_id();

CREATE INDEX "recalls_commit_idx" ON "recalls" ("commit_seq", "id");

-- Live updates across instances: PostgreSQL delivers the notification when the inserting
-- transaction commits, to every instance LISTENing (lib/recalls/pg-listener.ts), whichever
-- instance or tool inserted the rows. The payload is only a cursor (the committing transaction's
-- id); listeners read the rows themselves. Per statement, so a batch costs one notification.
CREATE FUNCTION "recall_monitor_notify_recalls"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('recall_monitor_recalls', pg_current_xact_id()::text);
  RETURN NULL;
END
$$;

CREATE TRIGGER "recalls_notify" AFTER INSERT ON "recalls"
  FOR EACH STATEMENT EXECUTE FUNCTION "recall_monitor_notify_recalls"();

"""Sync client: enroll, pull, push the outbox, upload photos (see sync/PROTOCOL.md).

The GUI binds to: enroll.enroll(), engine.SyncEngine(...).run() or
worker.start_sync(engine, on_progress=..., on_done=...) -> handle.cancel(),
outbox.enqueue_record()/enqueue_amendment() (called by the services), and
the rest of sync.client.outbox, the one module of the outbox: what is due,
every status move (OutboxStatus), each record's e-CQS deadline, the sync
screen's rows."""

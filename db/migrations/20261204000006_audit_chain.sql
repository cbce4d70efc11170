-- migrate:up

-- The audit trail as one hash chain per tenant. Writers insert audit_events as before, unchained,
-- so no tenant's writes queue behind a lock; a sealer (chimera.seal_audit_events, run by the audit
-- module as chimera_admin) chains what has committed, in the order it finds it: each link's hash
-- covers the previous link's hash and a canonical encoding of the event
-- (chimera.audit_event_bytes). A rewritten, removed or inserted event, or a removed link, breaks
-- every hash after it; keeping a copy of the head outside the database (GetAuditHead) also
-- catches a chain rewritten from the edit onwards.

-- The transaction that wrote each event: events of transactions older than every running one
-- have all committed (or never will), so the sealer knows which it has seen for good.
ALTER TABLE audit_events ADD COLUMN txid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX audit_events_txid_idx ON audit_events (txid);

CREATE TABLE audit_chain (
  tenant_id  uuid        NOT NULL REFERENCES tenants (id),
  -- 1, 2, 3, ... per tenant, without gaps.
  seq        bigint      NOT NULL CHECK (seq > 0),
  event_id   bigint      NOT NULL,
  -- sha256(previous link's hash, or nothing for the first, || audit_event_bytes(seq, event)).
  hash       bytea       NOT NULL CHECK (length(hash) = 32),
  seal_time  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, seq),
  UNIQUE (tenant_id, event_id)
);
COMMENT ON TABLE audit_chain IS 'Append-only: the hash chain over each tenant''s audit_events, in the order they were sealed.';

ALTER TABLE audit_chain ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_chain FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_chain_tenant ON audit_chain FOR SELECT TO chimera_app
  USING (tenant_id = (SELECT chimera.current_tenant_id()));
CREATE POLICY audit_chain_sealer ON audit_chain TO chimera_admin USING (true) WITH CHECK (true);
GRANT SELECT ON audit_chain TO chimera_app;
GRANT SELECT, INSERT ON audit_chain TO chimera_admin;
CREATE TRIGGER audit_chain_append_only
  BEFORE UPDATE OR DELETE ON audit_chain
  FOR EACH ROW EXECUTE FUNCTION chimera.reject_history_change();
CREATE TRIGGER audit_chain_no_truncate
  BEFORE TRUNCATE ON audit_chain
  FOR EACH STATEMENT EXECUTE FUNCTION chimera.reject_history_change();

-- Below which transaction every event has been sealed; one row.
CREATE TABLE audit_seal_state (
  singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  sealed_below xid8  NOT NULL
);
INSERT INTO audit_seal_state (sealed_below) VALUES ('0'::xid8);
GRANT SELECT, UPDATE ON audit_seal_state TO chimera_admin;

-- What a link's hash covers: its position and every field of the event, as the text of a JSON
-- array (jsonb renders it the same way everywhere), the time as integer microseconds since 1970.
CREATE FUNCTION chimera.audit_event_bytes(seq bigint, e audit_events) RETURNS bytea
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT convert_to(jsonb_build_array(seq, e.id, e.tenant_id, (extract(epoch FROM e.event_time) * 1000000)::bigint,
                                        e.actor, e.request_id, e.action, e.resource_type, e.resource_id, e.before, e.after)::text,
                      'UTF8')
  $$;
COMMENT ON FUNCTION chimera.audit_event_bytes(bigint, audit_events) IS
  'The canonical encoding of an audit event at position seq of its tenant''s chain.';
GRANT EXECUTE ON FUNCTION chimera.audit_event_bytes(bigint, audit_events) TO chimera_app, chimera_admin;

-- Chains the committed events not chained yet, tenant by tenant, oldest id first; returns how
-- many. One sealer at a time (the state row's lock); writers never wait for it.
CREATE FUNCTION chimera.seal_audit_events() RETURNS integer
  LANGUAGE plpgsql
  AS $$
DECLARE
  -- Every transaction below this has ended: its events are all visible now, or never will be.
  horizon xid8 := pg_snapshot_xmin(pg_current_snapshot());
  floor xid8;
  tenant uuid;
  ev audit_events;
  head_seq bigint;
  head_hash bytea;
  sealed integer := 0;
BEGIN
  SELECT sealed_below INTO floor FROM audit_seal_state FOR UPDATE;
  FOR tenant IN
    SELECT DISTINCT e.tenant_id FROM audit_events e
    WHERE e.txid >= floor
      AND NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.tenant_id = e.tenant_id AND c.event_id = e.id)
  LOOP
    SELECT c.seq, c.hash INTO head_seq, head_hash FROM audit_chain c WHERE c.tenant_id = tenant ORDER BY c.seq DESC LIMIT 1;
    head_seq := coalesce(head_seq, 0);
    head_hash := coalesce(head_hash, ''::bytea);
    FOR ev IN
      SELECT * FROM audit_events e
      WHERE e.tenant_id = tenant AND e.txid >= floor
        AND NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.tenant_id = e.tenant_id AND c.event_id = e.id)
      ORDER BY e.id
    LOOP
      head_seq := head_seq + 1;
      head_hash := sha256(head_hash || chimera.audit_event_bytes(head_seq, ev));
      INSERT INTO audit_chain (tenant_id, seq, event_id, hash) VALUES (tenant, head_seq, ev.id, head_hash);
      sealed := sealed + 1;
    END LOOP;
  END LOOP;
  UPDATE audit_seal_state SET sealed_below = horizon;
  RETURN sealed;
END
$$;
COMMENT ON FUNCTION chimera.seal_audit_events() IS
  'Chains every committed, unchained audit event (run by the audit module as chimera_admin).';
GRANT EXECUTE ON FUNCTION chimera.seal_audit_events() TO chimera_admin;

-- migrate:down
DROP FUNCTION chimera.seal_audit_events();
DROP FUNCTION chimera.audit_event_bytes(bigint, audit_events);
DROP TABLE audit_seal_state;
DROP TABLE audit_chain;
ALTER TABLE audit_events DROP COLUMN txid;

-- Why staff cancelled or moved a reservation, and who (shown to staff and
-- on the visitor's own reservation page; never in events or logs).
ALTER TABLE reservations ADD COLUMN change_reason TEXT;
ALTER TABLE reservations ADD COLUMN changed_by TEXT;

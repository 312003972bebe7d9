-- The language the visitor chose at the kiosk or when booking (ja, en,
-- zh, ko, vi, pt, ja-x-easy): the board announces a call in it too, and
-- the ticket's pages and mails follow it. NULL: not chosen (Japanese).
ALTER TABLE tickets ADD COLUMN language TEXT;
ALTER TABLE reservations ADD COLUMN language TEXT;

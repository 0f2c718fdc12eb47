-- How a person reads their home feed on the web: 'list' (a column of posts, as before) or 'grid'
-- (the waterfall of cards the other pages show). Written so that SQLite and PostgreSQL both accept it.
ALTER TABLE users ADD COLUMN home_layout TEXT NOT NULL DEFAULT 'list';

"""The few SQL expressions SQLite and PostgreSQL spell differently, chosen by `conn.dialect`
(layer 2). Everything else the store writes once, in the SQL both share; `db.dialect` rewrites
placeholders and the like. Kept here, side by side, so the differences stay few and visible."""


def json_array_values(conn) -> str:
    """A subquery of the values of the JSON array bound to the one `?` it holds: a list of any
    length in one parameter (SQLite limits the number of parameters)."""
    if conn.dialect == "postgresql":
        return "SELECT value FROM json_array_elements_text(CAST(? AS json)) AS value"
    return "SELECT value FROM json_each(?)"


def json_rows(conn, columns: str, rows: str, order: str) -> str:
    """A JSON array text of `[columns…]` arrays, one per row of `rows` (a table and its WHERE)
    in `order`; '[]' when there are none."""
    if conn.dialect == "postgresql":
        return f"(SELECT coalesce(json_agg(json_build_array({columns}) ORDER BY {order}), '[]')::text FROM {rows})"
    return f"(SELECT json_group_array(json_array({columns})) FROM (SELECT {columns} FROM {rows} ORDER BY {order}))"


def json_array_contains(conn, column: str, parameter: str) -> str:
    """Whether the JSON array of strings in `column` holds the value of `parameter`."""
    if conn.dialect == "postgresql":
        return f"jsonb_exists(CAST({column} AS jsonb), {parameter})"
    return f"EXISTS (SELECT 1 FROM json_each({column}) WHERE value = {parameter})"


def joined_text(conn, expression: str, separator: str) -> str:
    """The aggregate joining `expression` over a group with `separator` (a SQL string literal)."""
    if conn.dialect == "postgresql":
        return f"string_agg({expression}, {separator})"
    return f"group_concat({expression}, {separator})"


def skip_locked(conn) -> str:
    """Ends a queue claim's row selection: on PostgreSQL, rows another worker is claiming are
    passed over, so workers on several machines never take the same row; SQLite has one writer
    at a time and needs nothing."""
    return " FOR UPDATE SKIP LOCKED" if conn.dialect == "postgresql" else ""

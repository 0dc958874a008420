"""Storage: SQLAlchemy tables, repositories, migrations and the query-language compiler."""

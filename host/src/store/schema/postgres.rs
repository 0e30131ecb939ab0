//! PostgreSQL describes itself through `information_schema` and the
//! `pg_index` catalog (catalog names are cast to `text` for the `Any` driver).

use sqlx::Row;

use super::{Column, Schema, index_label, normalise_type};
use crate::store::{Db, Engine};

pub(super) async fn describe(db: &Db) -> Result<Schema, sqlx::Error> {
    let mut schema = Schema::new();
    let columns = sqlx::query(
        "SELECT c.table_name::text AS table_name, c.column_name::text AS column_name,
                c.data_type::text AS data_type, c.is_nullable::text AS is_nullable
         FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
         WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
           AND c.table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&db.pool)
    .await?;
    for row in columns {
        let table: String = row.try_get("table_name")?;
        let column: String = row.try_get("column_name")?;
        let declared: String = row.try_get("data_type")?;
        let nullable: String = row.try_get("is_nullable")?;
        let column_spec = Column { kind: normalise_type(Engine::Postgres, &declared), nullable: nullable == "YES" };
        schema.entry(table).or_default().columns.insert(column, column_spec);
    }
    let indexes = sqlx::query(
        "SELECT t.relname::text AS table_name, ix.indisunique AS is_unique, ix.indisprimary AS is_primary,
                array_to_string(ARRAY(
                    SELECT a.attname::text FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord
                ), ',') AS columns
         FROM pg_index ix
         JOIN pg_class t ON t.oid = ix.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE n.nspname = current_schema() AND t.relname <> '_sqlx_migrations'",
    )
    .fetch_all(&db.pool)
    .await?;
    for row in indexes {
        let table: String = row.try_get("table_name")?;
        let unique: bool = row.try_get("is_unique")?;
        let primary: bool = row.try_get("is_primary")?;
        let columns: String = row.try_get("columns")?;
        let columns: Vec<String> = columns.split(',').map(str::to_string).collect();
        let entry = schema.entry(table).or_default();
        if primary {
            entry.primary_key = columns;
        } else {
            entry.indexes.insert(index_label(unique, &columns));
        }
    }
    Ok(schema)
}

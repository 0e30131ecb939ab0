//! SQLite describes itself through the `pragma_*` table functions.

use sqlx::Row;

use super::{Column, Schema, Table, index_label, normalise_type};
use crate::store::{Db, Engine};

pub(super) async fn describe(db: &Db) -> Result<Schema, sqlx::Error> {
    let tables = sqlx::query(
        "SELECT name FROM sqlite_master WHERE type = 'table'
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut schema = Schema::new();
    for row in tables {
        let name: String = row.try_get("name")?;
        schema.insert(name.clone(), table(db, &name).await?);
    }
    Ok(schema)
}

async fn table(db: &Db, name: &str) -> Result<Table, sqlx::Error> {
    let mut table = Table::default();
    let columns = sqlx::query("SELECT name, type, \"notnull\", pk FROM pragma_table_info($1) ORDER BY pk")
        .bind(name)
        .fetch_all(&db.pool)
        .await?;
    for row in columns {
        let column: String = row.try_get("name")?;
        let declared: String = row.try_get("type")?;
        let not_null: i64 = row.try_get("notnull")?;
        let pk: i64 = row.try_get("pk")?;
        if pk > 0 {
            table.primary_key.push(column.clone());
        }
        // A primary key column is never NULL in PostgreSQL; in SQLite only
        // INTEGER PRIMARY KEY is, but the application never stores NULL there.
        let nullable = not_null == 0 && pk == 0;
        table.columns.insert(column, Column { kind: normalise_type(Engine::Sqlite, &declared), nullable });
    }
    let indexes = sqlx::query("SELECT name, \"unique\", origin FROM pragma_index_list($1)")
        .bind(name)
        .fetch_all(&db.pool)
        .await?;
    for row in indexes {
        let origin: String = row.try_get("origin")?;
        if origin == "pk" {
            continue;
        }
        let index: String = row.try_get("name")?;
        let unique: i64 = row.try_get("unique")?;
        let columns: Vec<String> = sqlx::query("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
            .bind(&index)
            .fetch_all(&db.pool)
            .await?
            .iter()
            .map(|row| row.try_get("name"))
            .collect::<Result<_, _>>()?;
        table.indexes.insert(index_label(unique != 0, &columns));
    }
    Ok(table)
}

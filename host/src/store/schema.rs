//! A migrated database's shape (tables, columns, normalised types,
//! nullability, primary keys, indexes), read back from the engine itself so
//! the two migration folders can be compared by what they build, not by file
//! names. Each engine describes itself differently: `sqlite.rs` reads the
//! `pragma_*` table functions, `postgres.rs` the system catalogs.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::{Db, Engine};

mod postgres;
mod sqlite;

/// One column as both engines can agree on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Normalised: `bigint`, `integer`, `text`, `bytes`, or the engine's own
    /// spelling (lower case) for anything else, which then has to match.
    pub kind: String,
    pub nullable: bool,
}

/// One table: columns by name, the primary key in order, and the secondary
/// indexes as `UNIQUE (a, b)` / `INDEX (a)` (index names differ between the
/// engines for constraint-made indexes, so they are left out).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub columns: BTreeMap<String, Column>,
    pub primary_key: Vec<String>,
    pub indexes: BTreeSet<String>,
}

/// Every application table (sqlx's own bookkeeping left out).
pub type Schema = BTreeMap<String, Table>;

/// Reads the schema of a migrated database.
pub async fn describe(db: &Db) -> Result<Schema, sqlx::Error> {
    match db.engine {
        Engine::Sqlite => sqlite::describe(db).await,
        Engine::Postgres => postgres::describe(db).await,
    }
}

/// Both engines' spellings of a type, mapped to one name. Every SQLite
/// integer is 64-bit, like PostgreSQL's BIGINT; a PostgreSQL INTEGER (32-bit)
/// stays `integer` and so shows up as a difference.
pub fn normalise_type(engine: Engine, declared: &str) -> String {
    let lower = declared.trim().to_ascii_lowercase();
    match (engine, lower.as_str()) {
        (Engine::Sqlite, "integer" | "int" | "bigint") | (Engine::Postgres, "bigint") => "bigint".into(),
        (_, "text" | "character varying" | "varchar") => "text".into(),
        (Engine::Sqlite, "blob") | (Engine::Postgres, "bytea") => "bytes".into(),
        _ => lower,
    }
}

/// What differs between two schemas, one line per difference, empty when
/// they agree.
pub fn differences(left_name: &str, left: &Schema, right_name: &str, right: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    let names: BTreeSet<&String> = left.keys().chain(right.keys()).collect();
    for name in names {
        match (left.get(name), right.get(name)) {
            (Some(_), None) => out.push(format!("table {name}: only in {left_name}")),
            (None, Some(_)) => out.push(format!("table {name}: only in {right_name}")),
            (Some(l), Some(r)) => table_differences(name, (left_name, l), (right_name, r), &mut out),
            (None, None) => {}
        }
    }
    out
}

fn table_differences(table: &str, (ln, l): (&str, &Table), (rn, r): (&str, &Table), out: &mut Vec<String>) {
    let columns: BTreeSet<&String> = l.columns.keys().chain(r.columns.keys()).collect();
    for column in columns {
        match (l.columns.get(column), r.columns.get(column)) {
            (Some(_), None) => out.push(format!("{table}.{column}: only in {ln}")),
            (None, Some(_)) => out.push(format!("{table}.{column}: only in {rn}")),
            (Some(a), Some(b)) if a != b => {
                out.push(format!("{table}.{column}: {ln} has {}, {rn} has {}", describe_column(a), describe_column(b)))
            }
            _ => {}
        }
    }
    if l.primary_key != r.primary_key {
        out.push(format!(
            "{table}: primary key ({}) in {ln}, ({}) in {rn}",
            l.primary_key.join(", "),
            r.primary_key.join(", ")
        ));
    }
    for index in l.indexes.difference(&r.indexes) {
        out.push(format!("{table}: {index} only in {ln}"));
    }
    for index in r.indexes.difference(&l.indexes) {
        out.push(format!("{table}: {index} only in {rn}"));
    }
}

fn describe_column(column: &Column) -> String {
    let mut text = column.kind.clone();
    if !column.nullable {
        let _ = write!(text, " NOT NULL");
    }
    text
}

/// How an index is shown and compared.
fn index_label(unique: bool, columns: &[String]) -> String {
    format!("{} ({})", if unique { "UNIQUE" } else { "INDEX" }, columns.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(columns: &[(&str, &str, bool)]) -> Table {
        Table {
            columns: columns
                .iter()
                .map(|(name, kind, nullable)| {
                    (name.to_string(), Column { kind: kind.to_string(), nullable: *nullable })
                })
                .collect(),
            primary_key: vec!["id".into()],
            indexes: BTreeSet::from([index_label(true, &["email".into()])]),
        }
    }

    #[test]
    fn types_are_normalised_across_engines() {
        use Engine::{Postgres, Sqlite};
        assert_eq!(normalise_type(Sqlite, "INTEGER"), normalise_type(Postgres, "bigint"));
        assert_eq!(normalise_type(Sqlite, "BIGINT"), normalise_type(Postgres, "bigint"));
        assert_eq!(normalise_type(Sqlite, "BLOB"), normalise_type(Postgres, "bytea"));
        assert_eq!(normalise_type(Sqlite, "TEXT"), normalise_type(Postgres, "character varying"));
        let narrow = normalise_type(Postgres, "integer");
        assert_ne!(narrow, normalise_type(Sqlite, "BIGINT"), "a 32-bit PostgreSQL column is a difference");
    }

    #[test]
    fn a_column_added_to_one_engine_only_is_reported() {
        let both = [("id", "bigint", false), ("email", "text", false)];
        let sqlite = Schema::from([("users".to_string(), table(&both))]);
        let mut postgres = sqlite.clone();
        assert!(differences("sqlite", &sqlite, "postgres", &postgres).is_empty());
        postgres.insert("users".into(), table(&[both[0], both[1], ("nickname", "text", true)]));
        assert_eq!(differences("sqlite", &sqlite, "postgres", &postgres), ["users.nickname: only in postgres"]);
    }

    #[test]
    fn type_nullability_index_and_table_differences_are_reported() {
        let sqlite = Schema::from([("users".to_string(), table(&[("id", "bigint", false), ("email", "text", false)]))]);
        let mut postgres =
            Schema::from([("users".to_string(), table(&[("id", "integer", false), ("email", "text", true)]))]);
        postgres.get_mut("users").unwrap().indexes.insert(index_label(false, &["email".into()]));
        postgres.insert("extra".into(), Table::default());
        assert_eq!(
            differences("sqlite", &sqlite, "postgres", &postgres),
            [
                "table extra: only in postgres",
                "users.email: sqlite has text NOT NULL, postgres has text",
                "users.id: sqlite has bigint NOT NULL, postgres has integer NOT NULL",
                "users: INDEX (email) only in postgres",
            ]
        );
    }
}

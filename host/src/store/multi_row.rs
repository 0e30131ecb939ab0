//! The `VALUES (…), (…)` list of a multi-row statement, in each engine's
//! fastest placeholder style.
//!
//! SQLite accepts `$1`, but looks every numbered or named parameter up in a
//! list when it binds (sqlx asks each one's name): a 6000-parameter
//! statement costs 18M comparisons, and a batch of analytics events spent
//! 60% of its time there. Anonymous `?` parameters are bound by position,
//! with no lookup. PostgreSQL needs `$n`.

use sqlx::AnyConnection;

/// `rows` tuples of `columns` placeholders each, for `conn`'s engine.
pub fn values(conn: &AnyConnection, rows: usize, columns: usize) -> String {
    values_for(conn.backend_name() == "SQLite", rows, columns)
}

/// `count` single placeholders, in order, for statements that put them in
/// different places (`WHERE a = … AND b IN (…)`).
pub fn placeholders(conn: &AnyConnection, count: usize) -> Vec<String> {
    placeholders_for(conn.backend_name() == "SQLite", count)
}

fn placeholders_for(anonymous: bool, count: usize) -> Vec<String> {
    (1..=count).map(|n| if anonymous { "?".to_string() } else { format!("${n}") }).collect()
}

fn values_for(anonymous: bool, rows: usize, columns: usize) -> String {
    let mut sql = String::with_capacity(rows * columns * 5);
    let mut n = 0;
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for column in 0..columns {
            if column > 0 {
                sql.push_str(", ");
            }
            if anonymous {
                sql.push('?');
            } else {
                n += 1;
                sql.push('$');
                sql.push_str(&n.to_string());
            }
        }
        sql.push(')');
    }
    sql
}

#[cfg(test)]
mod tests {
    use super::{placeholders_for, values_for};

    #[test]
    fn each_engine_gets_its_placeholders() {
        assert_eq!(values_for(true, 2, 3), "(?, ?, ?), (?, ?, ?)");
        assert_eq!(values_for(false, 2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(values_for(false, 1, 1), "($1)");
        assert_eq!(placeholders_for(true, 3), ["?", "?", "?"]);
        assert_eq!(placeholders_for(false, 3), ["$1", "$2", "$3"]);
    }
}

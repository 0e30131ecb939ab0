//! SQL for plugins: uploads shared by every replica and the enabled flags.

use sqlx::Row;

use crate::store::Db;

/// An upload as listed without its (large) component bytes.
pub(super) struct UploadStamp {
    pub id: String,
    pub sha256: String,
    pub uploaded_at: i64,
}

/// What an upload stores besides its id.
pub(super) struct Upload<'a> {
    pub version: &'a str,
    pub sha256: &'a str,
    pub component: Vec<u8>,
    pub uploaded_at: i64,
}

pub(super) async fn save_upload(db: &Db, id: &str, upload: Upload<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO plugin_uploads (id, version, sha256, component, uploaded_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET version = excluded.version, sha256 = excluded.sha256,
             component = excluded.component, uploaded_at = excluded.uploaded_at",
    )
    .bind(id)
    .bind(upload.version)
    .bind(upload.sha256)
    .bind(upload.component)
    .bind(upload.uploaded_at)
    .execute(&db.pool)
    .await?;
    Ok(())
}

pub(super) async fn delete_upload(db: &Db, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM plugin_uploads WHERE id = $1").bind(id).execute(&db.pool).await?;
    Ok(())
}

pub(super) async fn upload_stamps(db: &Db) -> Result<Vec<UploadStamp>, sqlx::Error> {
    let rows = sqlx::query("SELECT id, sha256, uploaded_at FROM plugin_uploads").fetch_all(&db.pool).await?;
    rows.iter()
        .map(|row| {
            Ok(UploadStamp {
                id: row.try_get("id")?,
                sha256: row.try_get("sha256")?,
                uploaded_at: row.try_get("uploaded_at")?,
            })
        })
        .collect()
}

pub(super) async fn upload_component(db: &Db, id: &str) -> Result<Vec<u8>, sqlx::Error> {
    let (bytes,): (Vec<u8>,) =
        sqlx::query_as("SELECT component FROM plugin_uploads WHERE id = $1").bind(id).fetch_one(&db.pool).await?;
    Ok(bytes)
}

pub(super) async fn set_enabled(db: &Db, id: &str, enabled: bool, updated_at: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO plugin_flags (id, enabled, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET enabled = excluded.enabled, updated_at = excluded.updated_at",
    )
    .bind(id)
    .bind(i64::from(enabled))
    .bind(updated_at)
    .execute(&db.pool)
    .await?;
    Ok(())
}

pub(super) async fn disabled_ids(db: &Db) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT id FROM plugin_flags WHERE enabled = 0").fetch_all(&db.pool).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing;

    #[tokio::test]
    async fn uploads_and_flags_round_trip() {
        for test in testing::every_engine().await {
            let db = &test.db;
            let upload = |version, component: &[u8]| Upload {
                version,
                sha256: "abc",
                component: component.to_vec(),
                uploaded_at: 7,
            };
            save_upload(db, "p", upload("0.1.0", b"one")).await.unwrap();
            save_upload(db, "p", upload("0.2.0", b"two")).await.unwrap();
            let stamps = upload_stamps(db).await.unwrap();
            assert_eq!(stamps.iter().map(|s| (s.id.as_str(), s.uploaded_at)).collect::<Vec<_>>(), [("p", 7)]);
            assert_eq!(upload_component(db, "p").await.unwrap(), b"two", "{:?}", db.engine);
            set_enabled(db, "p", false, 1).await.unwrap();
            set_enabled(db, "q", true, 1).await.unwrap();
            assert_eq!(disabled_ids(db).await.unwrap(), ["p"]);
            delete_upload(db, "p").await.unwrap();
            assert!(upload_stamps(db).await.unwrap().is_empty());
        }
    }
}

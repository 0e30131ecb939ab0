-- How many events each site has stored: the `total` of an unfiltered
-- event list, which would otherwise count millions of rows for every page.
-- The batch writer keeps it in the events' own transaction; clearing a
-- site's stats clears it, deleting the site cascades.
CREATE TABLE analytics_event_counts (
    site_id         BIGINT  NOT NULL PRIMARY KEY REFERENCES analytics_sites(id) ON DELETE CASCADE,
    events          BIGINT  NOT NULL
) WITHOUT ROWID;

INSERT INTO analytics_event_counts (site_id, events)
    SELECT site_id, COUNT(*) FROM analytics_events GROUP BY site_id;

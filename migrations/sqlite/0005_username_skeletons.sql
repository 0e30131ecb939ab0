-- The UTS #39 confusable skeleton of each username, case-folded, so that
-- `admin` and `аdmin` (Cyrillic а) or `Jane` and `jane` cannot both exist,
-- racing sign-ups included. NULL until the server fills it in for rows made
-- before this column existed (a unique index allows many NULLs).
ALTER TABLE users ADD COLUMN username_skeleton TEXT;
CREATE UNIQUE INDEX users_username_skeleton ON users(username_skeleton);

-- Imports of the posts of an Instagram or TikTok data export (kinds 'instagram' and 'tiktok').
ALTER TABLE imports DROP CONSTRAINT imports_kind_check;
ALTER TABLE imports ADD CONSTRAINT imports_kind_check
    CHECK (kind IN ('following', 'blocks', 'mutes', 'domain_blocks', 'bookmarks', 'lists',
                    'followed_hashtags', 'archive', 'outbox', 'instagram', 'tiktok'));

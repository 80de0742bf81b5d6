-- The hybrid re-ranks its best 100 by default from SQL 1.7, which stores the
-- re-ranker (steam_rec.model_rerankers).  A database at SQL 1.6 has no place
-- for it: its train() keeps 1.6's default, no re-ranker, rather than
-- refusing every call that names none.  Values given are still checked
-- there, and both versions store the key.
CREATE EXTENSION steam_rec VERSION '1.6';
-- Four tastes, players enough for a re-ranker that beats the base order.
CALL regress.load_taste_clusters(50);
SELECT steam_rec.refresh_engagement() >= 0 AS scored;

SELECT steam_rec.train() AS at_1_6 \gset
SELECT params->'rerank_candidates' AS rerank_candidates FROM steam_rec.models WHERE id = :at_1_6;
SELECT parameters->'rerank_candidates' AS shown_at_1_6 FROM steam_rec.algorithms() WHERE name = 'hybrid';
-- Asking for one at 1.6 is refused, naming the update.
\set VERBOSITY default
SELECT steam_rec.train('hybrid', '{"rerank_candidates": 100}');
\set VERBOSITY terse

-- At 1.7 the same call fits and stores a re-ranker; 0 still turns it off.
ALTER EXTENSION steam_rec UPDATE TO '1.7';
SELECT parameters->'rerank_candidates' AS shown_at_1_7 FROM steam_rec.algorithms() WHERE name = 'hybrid';
SELECT steam_rec.train() AS at_1_7 \gset
SELECT steam_rec.train('hybrid', '{"rerank_candidates": 0}') AS turned_off \gset
SELECT m.id = :at_1_7 AS default_at_1_7, m.params->'rerank_candidates' AS rerank_candidates,
       r.model_id IS NOT NULL AS reranker_stored
  FROM steam_rec.models AS m LEFT JOIN steam_rec.model_rerankers AS r ON r.model_id = m.id
 WHERE m.id IN (:at_1_7, :turned_off) ORDER BY m.id;
-- The re-ranked model serves.
SELECT count(*) AS listed FROM steam_rec.recommend(1, k => 5);
-- Down to 1.6 again: the default is 1.6's once more.
ALTER EXTENSION steam_rec UPDATE TO '1.6';
SELECT steam_rec.train() AS back_at_1_6 \gset
SELECT params->'rerank_candidates' AS rerank_candidates FROM steam_rec.models WHERE id = :back_at_1_6;

SET steam_rec.allow_drop = on;
DROP EXTENSION steam_rec;

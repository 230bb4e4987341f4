SELECT
  f.account_id,
  JSON_OBJECT(
    'detractors', f."detractors",
    'low_csat', f."low_csat",
    'negative_comments', f."negative_comments",
    'lowest_nps', f."lowest_nps",
    'lowest_csat', f."lowest_csat"
  ) AS evidence
FROM (
  SELECT
    "t25"."account_id",
    "t25"."detractors",
    "t25"."low_csat",
    "t25"."negative_comments",
    "t25"."lowest_nps",
    "t25"."lowest_csat"
  FROM (
    SELECT
      "t23"."account_id",
      SUM(CAST("t23"."kind" = 'nps' AS INT)) AS "detractors",
      SUM(CAST("t23"."kind" = 'csat' AS INT)) AS "low_csat",
      SUM(CAST("t23"."kind" = 'comment' AS INT)) AS "negative_comments",
      MIN("t23"."score") FILTER(WHERE
        "t23"."kind" = 'nps') AS "lowest_nps",
      MIN("t23"."score") FILTER(WHERE
        "t23"."kind" = 'csat') AS "lowest_csat"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          *
        FROM (
          SELECT
            CAST("t1"."account_id" AS TEXT) AS "account_id",
            CAST("t1"."kind" AS TEXT) AS "kind",
            CAST("t1"."score" AS INT) AS "score"
          FROM "survey_responses" AS "t1"
          WHERE
            "t1"."responded_at" >= CAST(MAKE_DATE(2026, 6, 30) - INTERVAL '29' DAY AS TIMESTAMP)
            AND "t1"."responded_at" < CAST(MAKE_DATE(2026, 6, 30) + INTERVAL '1' DAY AS TIMESTAMP)
            AND (
              (
                (
                  "t1"."kind" = 'nps'
                ) AND (
                  "t1"."score" <= 6
                )
              )
              OR (
                (
                  "t1"."kind" = 'csat'
                ) AND (
                  "t1"."score" <= 2
                )
              )
            )
        ) AS "t13"
        UNION ALL
        SELECT
          *
        FROM (
          SELECT
            CAST("t2"."account_id" AS TEXT) AS "account_id",
            'csat' AS "kind",
            "t2"."csat" AS "score"
          FROM "tickets" AS "t2"
          WHERE
            "t2"."closed_at" >= CAST(MAKE_DATE(2026, 6, 30) - INTERVAL '29' DAY AS TIMESTAMP)
            AND "t2"."closed_at" < CAST(MAKE_DATE(2026, 6, 30) + INTERVAL '1' DAY AS TIMESTAMP)
            AND "t2"."csat" <= 2
        ) AS "t11"
      ) AS "t17"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t8"."account_id",
            'comment' AS "kind",
            CAST(NULL AS INT) AS "score"
          FROM (
            SELECT
              *
            FROM "feedback_analysis" AS "t4"
            WHERE
              "t4"."sentiment" = 'negative'
              AND "t4"."sentiment_score" <= -0.3
              AND "t4"."source" = 'survey_response'
          ) AS "t8"
          SEMI JOIN (
            SELECT
              *
            FROM "survey_responses" AS "t1"
            WHERE
              "t1"."responded_at" >= CAST(MAKE_DATE(2026, 6, 30) - INTERVAL '29' DAY AS TIMESTAMP)
              AND "t1"."responded_at" < CAST(MAKE_DATE(2026, 6, 30) + INTERVAL '1' DAY AS TIMESTAMP)
          ) AS "t15"
            ON "t8"."source_id" = "t15"."response_id"
        ) AS "t19"
        UNION ALL
        SELECT
          *
        FROM (
          SELECT
            "t9"."account_id",
            'comment' AS "kind",
            CAST(NULL AS INT) AS "score"
          FROM (
            SELECT
              *
            FROM "feedback_analysis" AS "t4"
            WHERE
              "t4"."sentiment" = 'negative'
              AND "t4"."sentiment_score" <= -0.3
              AND "t4"."source" = 'ticket'
          ) AS "t9"
          SEMI JOIN (
            SELECT
              *
            FROM "tickets" AS "t2"
            WHERE
              "t2"."opened_at" >= CAST(MAKE_DATE(2026, 6, 30) - INTERVAL '29' DAY AS TIMESTAMP)
              AND "t2"."opened_at" < CAST(MAKE_DATE(2026, 6, 30) + INTERVAL '1' DAY AS TIMESTAMP)
          ) AS "t16"
            ON "t9"."source_id" = "t16"."ticket_id"
        ) AS "t20"
      ) AS "t22"
    ) AS "t23"
    GROUP BY
      1
  ) AS "t25"
  SEMI JOIN (
    SELECT DISTINCT
      "t14"."account_id"
    FROM (
      SELECT
        *
      FROM "subscriptions" AS "t0"
      WHERE
        "t0"."account_id" IN (
          SELECT
            "t3"."account_id"
          FROM "accounts" AS "t3"
          WHERE
            "t3"."status" <> 'unmatched'
        )
    ) AS "t14"
    WHERE
      "t14"."start_date" <= MAKE_DATE(2026, 6, 30)
      AND (
        (
          "t14"."end_date" IS NULL
        ) OR (
          "t14"."end_date" > MAKE_DATE(2026, 6, 30)
        )
      )
  ) AS "t21"
    ON "t25"."account_id" = "t21"."account_id"
) AS f;

SELECT
  f.account_id,
  JSON_OBJECT('passives', f."passives", 'middling_csat', f."middling_csat") AS evidence
FROM (
  SELECT
    "t12"."account_id",
    "t12"."passives",
    "t12"."middling_csat"
  FROM (
    SELECT
      "t8"."account_id",
      SUM(CAST("t8"."kind" = 'nps' AS INT)) AS "passives",
      SUM(CAST(NOT (
        "t8"."kind" = 'nps'
      ) AS INT)) AS "middling_csat"
    FROM (
      SELECT
        *
      FROM (
        SELECT
          "t0"."account_id",
          CAST("t0"."kind" AS TEXT) AS "kind"
        FROM "survey_responses" AS "t0"
        WHERE
          "t0"."responded_at" >= CAST(MAKE_DATE(2026, 6, 30) - INTERVAL '29' DAY AS TIMESTAMP)
          AND "t0"."responded_at" < CAST(MAKE_DATE(2026, 6, 30) + INTERVAL '1' DAY AS TIMESTAMP)
          AND (
            (
              (
                "t0"."kind" = 'nps'
              ) AND "t0"."score" IN (7, 8)
            )
            OR (
              (
                "t0"."kind" = 'csat'
              ) AND "t0"."score" IN (3)
            )
          )
      ) AS "t6"
      UNION ALL
      SELECT
        *
      FROM (
        SELECT
          "t1"."account_id",
          'csat' AS "kind"
        FROM "tickets" AS "t1"
        WHERE
          "t1"."closed_at" >= CAST(MAKE_DATE(2026, 6, 30) - INTERVAL '29' DAY AS TIMESTAMP)
          AND "t1"."closed_at" < CAST(MAKE_DATE(2026, 6, 30) + INTERVAL '1' DAY AS TIMESTAMP)
          AND "t1"."csat" IN (3)
      ) AS "t5"
    ) AS "t8"
    GROUP BY
      1
  ) AS "t12"
  SEMI JOIN (
    SELECT DISTINCT
      "t7"."account_id"
    FROM (
      SELECT
        *
      FROM "subscriptions" AS "t2"
      WHERE
        "t2"."account_id" IN (
          SELECT
            "t3"."account_id"
          FROM "accounts" AS "t3"
          WHERE
            "t3"."status" <> 'unmatched'
        )
    ) AS "t7"
    WHERE
      "t7"."start_date" <= MAKE_DATE(2026, 6, 30)
      AND (
        (
          "t7"."end_date" IS NULL
        ) OR (
          "t7"."end_date" > MAKE_DATE(2026, 6, 30)
        )
      )
  ) AS "t10"
    ON "t12"."account_id" = "t10"."account_id"
) AS f;

SELECT
  f.account_id,
  JSON_OBJECT(
    'recent_tickets', f."recent_tickets",
    'baseline_tickets', f."baseline_tickets",
    'baseline_per_window', f."baseline_per_window"
  ) AS evidence
FROM (
  SELECT
    "t10"."account_id",
    "t10"."recent_tickets",
    "t10"."baseline_tickets",
    "t10"."baseline_per_window"
  FROM (
    SELECT
      "t6"."account_id",
      "t6"."recent_tickets",
      "t6"."baseline_tickets",
      CAST(ROUND((
        CAST("t6"."baseline_tickets" AS DOUBLE) * 14
      ) / 180, 2) AS DOUBLE) AS "baseline_per_window"
    FROM (
      SELECT
        "t4"."account_id",
        SUM(
          CAST("t4"."opened_at" >= CAST(MAKE_DATE(2026, 6, 30) - INTERVAL '13' DAY AS TIMESTAMP) AS INT)
        ) AS "recent_tickets",
        SUM(
          CAST("t4"."opened_at" < CAST(MAKE_DATE(2026, 6, 30) - INTERVAL '13' DAY AS TIMESTAMP) AS INT)
        ) AS "baseline_tickets"
      FROM (
        SELECT
          *
        FROM "tickets" AS "t0"
        WHERE
          "t0"."opened_at" >= CAST(MAKE_DATE(2026, 6, 30) - INTERVAL '193' DAY AS TIMESTAMP)
          AND "t0"."opened_at" < CAST(MAKE_DATE(2026, 6, 30) + INTERVAL '1' DAY AS TIMESTAMP)
      ) AS "t4"
      GROUP BY
        1
    ) AS "t6"
    WHERE
      "t6"."recent_tickets" >= 3
      AND "t6"."recent_tickets" >= (
        (
          (
            CAST("t6"."baseline_tickets" AS DOUBLE) * 14
          ) / 180
        ) * 2.0
      )
  ) AS "t10"
  SEMI JOIN (
    SELECT DISTINCT
      "t5"."account_id"
    FROM (
      SELECT
        *
      FROM "subscriptions" AS "t1"
      WHERE
        "t1"."account_id" IN (
          SELECT
            "t2"."account_id"
          FROM "accounts" AS "t2"
          WHERE
            "t2"."status" <> 'unmatched'
        )
    ) AS "t5"
    WHERE
      "t5"."start_date" <= MAKE_DATE(2026, 6, 30)
      AND (
        (
          "t5"."end_date" IS NULL
        ) OR (
          "t5"."end_date" > MAKE_DATE(2026, 6, 30)
        )
      )
  ) AS "t8"
    ON "t10"."account_id" = "t8"."account_id"
) AS f;

SELECT
  f.account_id,
  JSON_OBJECT(
    'requests', f."requests",
    'categories', f."categories",
    'renewal_date', f."renewal_date",
    'days_to_renewal', f."days_to_renewal"
  ) AS evidence
FROM (
  WITH "t8" AS (
    SELECT
      *
    FROM "subscriptions" AS "t2"
    WHERE
      "t2"."account_id" IN (
        SELECT
          "t3"."account_id"
        FROM "accounts" AS "t3"
        WHERE
          "t3"."status" <> 'unmatched'
      )
  )
  SELECT
    "t24"."account_id",
    "t17"."requests",
    "t17"."categories",
    "t24"."renewal_date",
    DATE_DIFF('DAY', MAKE_DATE(2026, 6, 30), "t24"."renewal_date") AS "days_to_renewal"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t21"."account_id",
        MIN("t21"."next_renewal") AS "renewal_date"
      FROM (
        SELECT
          "t20"."subscription_id",
          "t20"."account_id",
          "t20"."product",
          "t20"."mrr",
          "t20"."currency",
          "t20"."quantity",
          "t20"."start_date",
          "t20"."end_date",
          "t20"."renewal_date",
          "t20"."term_months",
          "t20"."term_days",
          CASE
            WHEN "t20"."renewal_date" >= MAKE_DATE(2026, 6, 30)
            THEN "t20"."renewal_date"
            ELSE CASE
              WHEN "t20"."term_months" > 0
              THEN CASE
                WHEN CAST(CAST("t20"."renewal_date" + TO_MONTHS(
                  CAST(FLOOR(
                    (
                      (
                        (
                          (
                            EXTRACT(YEAR FROM MAKE_DATE(2026, 6, 30)) * 12
                          ) + EXTRACT(MONTH FROM MAKE_DATE(2026, 6, 30))
                        ) - (
                          (
                            EXTRACT(YEAR FROM "t20"."renewal_date") * 12
                          ) + EXTRACT(MONTH FROM "t20"."renewal_date")
                        )
                      ) - CASE
                        WHEN EXTRACT(DAY FROM MAKE_DATE(2026, 6, 30)) < EXTRACT(DAY FROM "t20"."renewal_date")
                        THEN 1
                        ELSE 0
                      END
                    ) / (
                      GREATEST("t20"."term_months", 1)
                    )
                  ) AS BIGINT) * GREATEST("t20"."term_months", 1)
                ) AS TIMESTAMP) AS DATE) >= MAKE_DATE(2026, 6, 30)
                THEN CAST(CAST("t20"."renewal_date" + TO_MONTHS(
                  CAST(FLOOR(
                    (
                      (
                        (
                          (
                            EXTRACT(YEAR FROM MAKE_DATE(2026, 6, 30)) * 12
                          ) + EXTRACT(MONTH FROM MAKE_DATE(2026, 6, 30))
                        ) - (
                          (
                            EXTRACT(YEAR FROM "t20"."renewal_date") * 12
                          ) + EXTRACT(MONTH FROM "t20"."renewal_date")
                        )
                      ) - CASE
                        WHEN EXTRACT(DAY FROM MAKE_DATE(2026, 6, 30)) < EXTRACT(DAY FROM "t20"."renewal_date")
                        THEN 1
                        ELSE 0
                      END
                    ) / (
                      GREATEST("t20"."term_months", 1)
                    )
                  ) AS BIGINT) * GREATEST("t20"."term_months", 1)
                ) AS TIMESTAMP) AS DATE)
                ELSE CAST(CAST("t20"."renewal_date" + TO_MONTHS(
                  (
                    CAST(FLOOR(
                      (
                        (
                          (
                            (
                              EXTRACT(YEAR FROM MAKE_DATE(2026, 6, 30)) * 12
                            ) + EXTRACT(MONTH FROM MAKE_DATE(2026, 6, 30))
                          ) - (
                            (
                              EXTRACT(YEAR FROM "t20"."renewal_date") * 12
                            ) + EXTRACT(MONTH FROM "t20"."renewal_date")
                          )
                        ) - CASE
                          WHEN EXTRACT(DAY FROM MAKE_DATE(2026, 6, 30)) < EXTRACT(DAY FROM "t20"."renewal_date")
                          THEN 1
                          ELSE 0
                        END
                      ) / (
                        GREATEST("t20"."term_months", 1)
                      )
                    ) AS BIGINT) * GREATEST("t20"."term_months", 1)
                  ) + GREATEST("t20"."term_months", 1)
                ) AS TIMESTAMP) AS DATE)
              END
              ELSE CAST(CAST("t20"."renewal_date" + TO_DAYS(
                CAST(FLOOR(
                  (
                    (
                      DATE_DIFF('DAY', "t20"."renewal_date", MAKE_DATE(2026, 6, 30)) + "t20"."term_days"
                    ) - 1
                  ) / (
                    "t20"."term_days"
                  )
                ) AS BIGINT) * "t20"."term_days"
              ) AS TIMESTAMP) AS DATE)
            END
          END AS "next_renewal"
        FROM (
          SELECT
            "t14"."subscription_id",
            "t14"."account_id",
            "t14"."product",
            "t14"."mrr",
            "t14"."currency",
            "t14"."quantity",
            "t14"."start_date",
            "t14"."end_date",
            "t14"."renewal_date",
            "t19"."term_months",
            "t19"."term_days"
          FROM (
            SELECT
              *
            FROM "t8" AS "t9"
            WHERE
              "t9"."start_date" <= MAKE_DATE(2026, 6, 30)
              AND (
                (
                  "t9"."end_date" IS NULL
                ) OR (
                  "t9"."end_date" > MAKE_DATE(2026, 6, 30)
                )
              )
              AND NOT "t9"."renewal_date" IS NULL
          ) AS "t14"
          INNER JOIN (
            SELECT
              "t16"."account_id",
              CASE
                WHEN "t16"."longest" >= 28
                THEN CAST(ROUND("t16"."longest" / 30.4375, 0) AS BIGINT)
                ELSE 0
              END AS "term_months",
              GREATEST("t16"."longest", 1) AS "term_days"
            FROM (
              SELECT
                "t11"."account_id",
                MAX(DATE_DIFF('DAY', "t11"."start_date", "t11"."renewal_date")) AS "longest"
              FROM (
                SELECT
                  *
                FROM "t8" AS "t9"
                WHERE
                  NOT "t9"."renewal_date" IS NULL
              ) AS "t11"
              GROUP BY
                1
            ) AS "t16"
          ) AS "t19"
            ON "t14"."account_id" = "t19"."account_id"
        ) AS "t20"
      ) AS "t21"
      GROUP BY
        1
    ) AS "t22"
    WHERE
      "t22"."renewal_date" <= (
        MAKE_DATE(2026, 6, 30) + INTERVAL '60' DAY
      )
  ) AS "t24"
  INNER JOIN (
    SELECT
      "t13"."account_id" AS "request_account",
      "t13"."requests",
      "t13"."categories"
    FROM (
      SELECT
        "t10"."account_id",
        SUM("t10"."requests") AS "requests",
        LISTAGG("t10"."kind", ', ') AS "categories"
      FROM (
        SELECT
          "t7"."account_id",
          "t7"."kind",
          SUM("t7"."requests") AS "requests"
        FROM (
          SELECT
            *
          FROM (
            SELECT
              "t0"."account_id",
              "t0"."category" AS "kind",
              CAST(1 AS BIGINT) AS "requests"
            FROM "tickets" AS "t0"
            WHERE
              "t0"."category" IN ('discount request', 'price cut', 'contract change', 'cancellation')
              AND "t0"."opened_at" >= CAST(MAKE_DATE(2026, 6, 30) - INTERVAL '59' DAY AS TIMESTAMP)
              AND "t0"."opened_at" < CAST(MAKE_DATE(2026, 6, 30) + INTERVAL '1' DAY AS TIMESTAMP)
          ) AS "t6"
          UNION ALL
          SELECT
            *
          FROM (
            SELECT
              "t1"."account_id",
              CAST("t1"."event_type" AS TEXT) AS "kind",
              CAST("t1"."events" AS BIGINT) AS "requests"
            FROM "activity_daily" AS "t1"
            WHERE
              "t1"."event_type" IN ('cancel_intent', 'discount_request')
              AND "t1"."day" <= MAKE_DATE(2026, 6, 30)
              AND "t1"."day" > (
                MAKE_DATE(2026, 6, 30) - INTERVAL '60' DAY
              )
          ) AS "t4"
        ) AS "t7"
        GROUP BY
          1,
          2
      ) AS "t10"
      GROUP BY
        1
    ) AS "t13"
  ) AS "t17"
    ON "t24"."account_id" = "t17"."request_account"
) AS f;

SELECT
  f.account_id,
  JSON_OBJECT(
    'recent_per_week', f."recent_per_week",
    'baseline_per_week', f."baseline_per_week",
    'change', f."change"
  ) AS evidence
FROM (
  SELECT
    "t10"."account_id",
    "t10"."recent_per_week",
    "t10"."baseline_per_week",
    "t10"."change"
  FROM (
    SELECT
      "t6"."account_id",
      CAST(ROUND((
        "t6"."recent" * 7
      ) / 14, 2) AS DOUBLE) AS "recent_per_week",
      CAST(ROUND("t6"."baseline" / 8, 2) AS DOUBLE) AS "baseline_per_week",
      CAST(ROUND(
        (
          (
            (
              "t6"."recent" * 7
            ) / 14
          ) - (
            "t6"."baseline" / 8
          )
        ) / (
          "t6"."baseline" / 8
        ),
        3
      ) AS DOUBLE) AS "change"
    FROM (
      SELECT
        "t3"."account_id",
        COALESCE(
          SUM("t3"."value_sum") FILTER(WHERE
            "t3"."day" > (
              MAKE_DATE(2026, 6, 30) - INTERVAL '14' DAY
            )),
          0
        ) AS "recent",
        COALESCE(
          SUM("t3"."value_sum") FILTER(WHERE
            NOT (
              "t3"."day" > (
                MAKE_DATE(2026, 6, 30) - INTERVAL '14' DAY
              )
            )),
          0
        ) AS "baseline"
      FROM (
        SELECT
          *
        FROM "activity_daily" AS "t0"
        WHERE
          "t0"."event_type" IN ('session')
          AND "t0"."day" <= MAKE_DATE(2026, 6, 30)
          AND "t0"."day" > (
            MAKE_DATE(2026, 6, 30) - INTERVAL '70' DAY
          )
      ) AS "t3"
      GROUP BY
        1
    ) AS "t6"
    WHERE
      (
        "t6"."baseline" / 8
      ) > 0
      AND (
        (
          "t6"."recent" * 7
        ) / 14
      ) <= (
        (
          "t6"."baseline" / 8
        ) * 0.7
      )
  ) AS "t10"
  SEMI JOIN (
    SELECT DISTINCT
      "t5"."account_id"
    FROM (
      SELECT
        *
      FROM "subscriptions" AS "t1"
      WHERE
        "t1"."account_id" IN (
          SELECT
            "t2"."account_id"
          FROM "accounts" AS "t2"
          WHERE
            "t2"."status" <> 'unmatched'
        )
    ) AS "t5"
    WHERE
      "t5"."start_date" <= MAKE_DATE(2026, 6, 30)
      AND (
        (
          "t5"."end_date" IS NULL
        ) OR (
          "t5"."end_date" > MAKE_DATE(2026, 6, 30)
        )
      )
  ) AS "t8"
    ON "t10"."account_id" = "t8"."account_id"
) AS f;

SELECT
  f.account_id,
  JSON_OBJECT(
    'licences', f."licences",
    'active_users', f."active_users",
    'active_share', f."active_share"
  ) AS evidence
FROM (
  SELECT
    "t12"."account_id",
    "t12"."licences",
    COALESCE("t12"."active_users", 0) AS "active_users",
    CAST(ROUND(CAST(COALESCE("t12"."active_users", 0) AS DOUBLE) / "t12"."licences", 3) AS DOUBLE) AS "active_share"
  FROM (
    SELECT
      "t11"."account_id",
      "t11"."licences",
      "t9"."user_account",
      "t9"."active_users"
    FROM (
      SELECT
        "t8"."account_id",
        SUM("t8"."quantity") AS "licences"
      FROM (
        SELECT
          *
        FROM (
          SELECT
            *
          FROM "subscriptions" AS "t0"
          WHERE
            "t0"."account_id" IN (
              SELECT
                "t2"."account_id"
              FROM "accounts" AS "t2"
              WHERE
                "t2"."status" <> 'unmatched'
            )
        ) AS "t5"
        WHERE
          "t5"."start_date" <= MAKE_DATE(2026, 6, 30)
          AND (
            (
              "t5"."end_date" IS NULL
            ) OR (
              "t5"."end_date" > MAKE_DATE(2026, 6, 30)
            )
          )
      ) AS "t8"
      GROUP BY
        1
    ) AS "t11"
    LEFT OUTER JOIN (
      SELECT
        "t6"."account_id" AS "user_account",
        "t6"."active_users"
      FROM (
        SELECT
          "t4"."account_id",
          COUNT(DISTINCT "t4"."contact_id") AS "active_users"
        FROM (
          SELECT
            *
          FROM "activity_daily" AS "t1"
          WHERE
            "t1"."event_type" IN ('login')
            AND "t1"."day" <= MAKE_DATE(2026, 6, 30)
            AND "t1"."day" > (
              MAKE_DATE(2026, 6, 30) - INTERVAL '28' DAY
            )
            AND "t1"."contact_id" <> ''
        ) AS "t4"
        GROUP BY
          1
      ) AS "t6"
    ) AS "t9"
      ON "t11"."account_id" = "t9"."user_account"
  ) AS "t12"
  WHERE
    "t12"."licences" > 0
    AND (
      CAST(COALESCE("t12"."active_users", 0) AS DOUBLE) / "t12"."licences"
    ) < 0.25
) AS f;

SELECT
  f.account_id,
  JSON_OBJECT(
    'invoices', f."invoices",
    'max_days_overdue', f."max_days_overdue",
    'amount_due', f."amount_due"
  ) AS evidence
FROM (
  SELECT
    "t7"."account_id",
    "t7"."invoices",
    "t7"."max_days_overdue",
    "t7"."amount_due"
  FROM (
    SELECT
      "t4"."account_id",
      COUNT(*) AS "invoices",
      MAX(DATE_DIFF('DAY', "t4"."due_at", MAKE_DATE(2026, 6, 30))) AS "max_days_overdue",
      CAST(SUM("t4"."amount") AS DOUBLE) AS "amount_due"
    FROM (
      SELECT
        *
      FROM "invoices" AS "t0"
      WHERE
        "t0"."issued_at" <= MAKE_DATE(2026, 6, 30)
        AND (
          (
            "t0"."paid_at" IS NULL
          ) OR (
            "t0"."paid_at" > MAKE_DATE(2026, 6, 30)
          )
        )
        AND "t0"."due_at" < (
          MAKE_DATE(2026, 6, 30) - INTERVAL '30' DAY
        )
    ) AS "t4"
    GROUP BY
      1
  ) AS "t7"
  SEMI JOIN (
    SELECT DISTINCT
      "t5"."account_id"
    FROM (
      SELECT
        *
      FROM "subscriptions" AS "t1"
      WHERE
        "t1"."account_id" IN (
          SELECT
            "t2"."account_id"
          FROM "accounts" AS "t2"
          WHERE
            "t2"."status" <> 'unmatched'
        )
    ) AS "t5"
    WHERE
      "t5"."start_date" <= MAKE_DATE(2026, 6, 30)
      AND (
        (
          "t5"."end_date" IS NULL
        ) OR (
          "t5"."end_date" > MAKE_DATE(2026, 6, 30)
        )
      )
  ) AS "t9"
    ON "t7"."account_id" = "t9"."account_id"
) AS f;

SELECT
  f.account_id,
  JSON_OBJECT(
    'from_band', f."from_band",
    'to_band', f."to_band",
    'previous_score', f."previous_score",
    'score', f."score",
    'changed_on', f."changed_on"
  ) AS evidence
FROM (
  WITH "t1" AS (
    SELECT
      *
    FROM "health_band_changes" AS "t0"
    WHERE
      "t0"."scorecard_version" = '96dc620b7622'
      AND "t0"."as_of" <= MAKE_DATE(2026, 6, 30)
      AND "t0"."as_of" > (
        MAKE_DATE(2026, 6, 30) - INTERVAL '7' DAY
      )
      AND CASE "t0"."to_band"
        WHEN 'unhealthy'
        THEN 0
        WHEN 'neutral'
        THEN 51
        WHEN 'healthy'
        THEN 80
        ELSE -1
      END < CASE "t0"."from_band"
        WHEN 'unhealthy'
        THEN 0
        WHEN 'neutral'
        THEN 51
        WHEN 'healthy'
        THEN 80
        ELSE -1
      END
  )
  SELECT
    "t3"."account_id",
    "t3"."from_band",
    "t3"."to_band",
    "t3"."previous_score",
    "t3"."score",
    "t3"."as_of" AS "changed_on"
  FROM "t1" AS "t3"
  SEMI JOIN (
    SELECT
      "t2"."account_id",
      MAX("t2"."as_of") AS "as_of"
    FROM "t1" AS "t2"
    GROUP BY
      1
  ) AS "t5"
    ON "t3"."account_id" = "t5"."account_id" AND "t3"."as_of" = "t5"."as_of"
) AS f;

SELECT
  f.account_id,
  JSON_OBJECT(
    'visits', f."visits",
    'page_pricing', f."page_pricing",
    'page_cancel', f."page_cancel"
  ) AS evidence
FROM (
  SELECT
    "t10"."account_id",
    "t10"."visits",
    "t10"."page_pricing",
    "t10"."page_cancel"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        "t3"."account_id",
        SUM("t3"."events") AS "visits",
        COALESCE(SUM("t3"."events") FILTER(WHERE
          "t3"."event_type" = 'page:pricing'), 0) AS "page_pricing",
        COALESCE(SUM("t3"."events") FILTER(WHERE
          "t3"."event_type" = 'page:cancel'), 0) AS "page_cancel"
      FROM (
        SELECT
          *
        FROM "activity_daily" AS "t0"
        WHERE
          "t0"."event_type" IN ('page:pricing', 'page:cancel')
          AND "t0"."day" <= MAKE_DATE(2026, 6, 30)
          AND "t0"."day" > (
            MAKE_DATE(2026, 6, 30) - INTERVAL '14' DAY
          )
      ) AS "t3"
      GROUP BY
        1
    ) AS "t6"
    WHERE
      "t6"."visits" >= 2
  ) AS "t10"
  SEMI JOIN (
    SELECT DISTINCT
      "t5"."account_id"
    FROM (
      SELECT
        *
      FROM "subscriptions" AS "t1"
      WHERE
        "t1"."account_id" IN (
          SELECT
            "t2"."account_id"
          FROM "accounts" AS "t2"
          WHERE
            "t2"."status" <> 'unmatched'
        )
    ) AS "t5"
    WHERE
      "t5"."start_date" <= MAKE_DATE(2026, 6, 30)
      AND (
        (
          "t5"."end_date" IS NULL
        ) OR (
          "t5"."end_date" > MAKE_DATE(2026, 6, 30)
        )
      )
  ) AS "t8"
    ON "t10"."account_id" = "t8"."account_id"
) AS f;

SELECT
  f.account_id,
  JSON_OBJECT(
    'completed', f."completed",
    'milestones', f."milestones",
    'progress', f."progress",
    'days_since_signup', f."days_since_signup"
  ) AS evidence
FROM (
  SELECT
    "t19"."account_id",
    "t19"."completed",
    "t19"."milestones",
    "t19"."progress",
    "t19"."days_since_signup"
  FROM (
    SELECT
      "t17"."account_id",
      "t17"."completed",
      "t17"."milestones",
      CAST(ROUND("t17"."progress", 3) AS DOUBLE) AS "progress",
      DATE_DIFF('DAY', "t17"."signed_on", MAKE_DATE(2026, 6, 30)) AS "days_since_signup"
    FROM (
      SELECT
        "t12"."account_id",
        "t12"."milestones",
        "t15"."last_completed_on",
        COALESCE("t15"."completed", 0) AS "completed",
        CAST(COALESCE("t15"."completed", 0) AS DOUBLE) / "t12"."milestones" AS "progress",
        "t9"."young_account",
        "t9"."signed_on"
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t1"."account_id",
            4 AS "milestones"
          FROM "accounts" AS "t1"
          WHERE
            "t1"."status" <> 'unmatched'
            AND (
              (
                "t1"."plan" IS NULL
              ) OR NOT (
                "t1"."plan" IN ('Enterprise')
              )
            )
        ) AS "t8"
        UNION ALL
        SELECT
          *
        FROM (
          SELECT
            "t1"."account_id",
            5 AS "milestones"
          FROM "accounts" AS "t1"
          WHERE
            "t1"."status" <> 'unmatched' AND "t1"."plan" = 'Enterprise'
        ) AS "t4"
      ) AS "t12"
      LEFT OUTER JOIN (
        SELECT
          "t11"."account_id" AS "done_account",
          "t11"."completed",
          "t11"."last_completed_on"
        FROM (
          SELECT
            "t5"."account_id",
            COUNT(DISTINCT "t5"."milestone") AS "completed",
            MAX("t5"."completed_on") AS "last_completed_on"
          FROM (
            SELECT
              *
            FROM "onboarding_milestones" AS "t2"
            WHERE
              "t2"."completed_on" <= MAKE_DATE(2026, 6, 30)
          ) AS "t5"
          GROUP BY
            1
        ) AS "t11"
      ) AS "t15"
        ON "t12"."account_id" = "t15"."done_account"
      INNER JOIN (
        SELECT
          "t1"."account_id" AS "young_account",
          CAST("t1"."created_at" AS DATE) AS "signed_on"
        FROM "accounts" AS "t1"
        WHERE
          CAST("t1"."created_at" AS DATE) <= (
            MAKE_DATE(2026, 6, 30) - INTERVAL '30' DAY
          )
          AND CAST("t1"."created_at" AS DATE) > (
            MAKE_DATE(2026, 6, 30) - INTERVAL '180' DAY
          )
      ) AS "t9"
        ON "t12"."account_id" = "t9"."young_account"
    ) AS "t17"
    WHERE
      "t17"."completed" < "t17"."milestones"
      AND (
        (
          "t17"."last_completed_on" IS NULL
        )
        OR (
          "t17"."last_completed_on" <= (
            MAKE_DATE(2026, 6, 30) - INTERVAL '21' DAY
          )
        )
      )
  ) AS "t19"
  SEMI JOIN (
    SELECT DISTINCT
      "t7"."account_id"
    FROM (
      SELECT
        *
      FROM "subscriptions" AS "t0"
      WHERE
        "t0"."account_id" IN (
          SELECT
            "t1"."account_id"
          FROM "accounts" AS "t1"
          WHERE
            "t1"."status" <> 'unmatched'
        )
    ) AS "t7"
    WHERE
      "t7"."start_date" <= MAKE_DATE(2026, 6, 30)
      AND (
        (
          "t7"."end_date" IS NULL
        ) OR (
          "t7"."end_date" > MAKE_DATE(2026, 6, 30)
        )
      )
  ) AS "t16"
    ON "t19"."account_id" = "t16"."account_id"
) AS f;

SELECT
  f.account_id,
  JSON_OBJECT(
    'mentions', f."mentions",
    'negative', f."negative",
    'competitors', f."competitors",
    'band', f."band"
  ) AS evidence
FROM (
  WITH "t9" AS (
    SELECT
      *
    FROM "health_scores" AS "t2"
    WHERE
      "t2"."scorecard_version" = '96dc620b7622'
      AND "t2"."as_of" <= MAKE_DATE(2026, 6, 30)
  ), "t22" AS (
    SELECT
      *
    FROM (
      SELECT
        "t13"."source",
        "t13"."source_id",
        "t13"."account_id",
        "t13"."sentiment",
        "t13"."sentiment_score",
        "t6"."comment" AS "text",
        CAST("t6"."responded_at" AS DATE) AS "day",
        "t6"."kind",
        (
          (
            "t6"."kind" = 'nps'
          ) AND (
            "t6"."score" <= 6
          )
        )
        OR (
          (
            "t6"."kind" = 'csat'
          ) AND (
            "t6"."score" <= 2
          )
        )
        OR (
          (
            "t6"."kind" = 'ces'
          ) AND (
            "t6"."score" <= 3
          )
        ) AS "detractor"
      FROM (
        SELECT
          *
        FROM "feedback_analysis" AS "t3"
        WHERE
          "t3"."source" = 'survey_response'
      ) AS "t13"
      INNER JOIN "survey_responses" AS "t6"
        ON "t13"."source_id" = "t6"."response_id"
    ) AS "t19"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        "t14"."source",
        "t14"."source_id",
        "t14"."account_id",
        "t14"."sentiment",
        "t14"."sentiment_score",
        COALESCE("t7"."subject", '') || ': ' || COALESCE("t7"."body", '') AS "text",
        CAST("t7"."opened_at" AS DATE) AS "day",
        'ticket' AS "kind",
        FALSE AS "detractor"
      FROM (
        SELECT
          *
        FROM "feedback_analysis" AS "t3"
        WHERE
          "t3"."source" = 'ticket'
      ) AS "t14"
      INNER JOIN "tickets" AS "t7"
        ON "t14"."source_id" = "t7"."ticket_id"
    ) AS "t20"
  )
  SELECT
    "t48"."account_id",
    "t48"."mentions",
    "t48"."negative",
    "t48"."competitors",
    "t48"."band"
  FROM (
    SELECT
      "t47"."account_id",
      "t47"."mentions",
      "t47"."negative",
      "t47"."competitors",
      "t26"."scored_account",
      "t26"."band"
    FROM (
      SELECT
        "t45"."account_id",
        SUM("t45"."mentions") AS "mentions",
        SUM("t45"."negative") AS "negative",
        LISTAGG("t45"."competitor", ', ') AS "competitors"
      FROM (
        SELECT
          "t44"."account_id",
          "t44"."competitor",
          COUNT(*) AS "mentions",
          SUM(CAST("t44"."sentiment" = 'negative' AS INT)) AS "negative"
        FROM (
          SELECT
            "t43"."source",
            "t43"."source_id",
            "t43"."account_id",
            "t43"."day",
            "t43"."competitor",
            "t43"."sentiment",
            "t43"."sentiment_score"
          FROM (
            SELECT
              *
            FROM (
              SELECT
                *
              FROM (
                SELECT
                  *
                FROM (
                  SELECT
                    "t24"."source",
                    "t24"."source_id",
                    "t24"."account_id",
                    "t24"."sentiment",
                    "t24"."sentiment_score",
                    "t24"."text",
                    "t24"."day",
                    "t24"."kind",
                    "t24"."detractor",
                    'ChurnZero' AS "competitor"
                  FROM "t22" AS "t24"
                  WHERE
                    "t24"."day" <= MAKE_DATE(2026, 6, 30)
                    AND "t24"."day" > (
                      MAKE_DATE(2026, 6, 30) - INTERVAL '30' DAY
                    )
                    AND REGEXP_MATCHES(
                      TRANSLATE(LOWER("t24"."text"), 'أإآٱىة', 'اااايه'),
                      '(^|[^a-z0-9ء-ي])(churnzero|churn zero|(و|ف|ب|ل|ال|وال|بال|فال|لل){0,1}شيرن زيرو|(و|ف|ب|ل|ال|وال|بال|فال|لل){0,1}تشيرن زيرو)($|[^a-z0-9ء-ي])'
                    )
                ) AS "t27"
                UNION ALL
                SELECT
                  *
                FROM (
                  SELECT
                    "t24"."source",
                    "t24"."source_id",
                    "t24"."account_id",
                    "t24"."sentiment",
                    "t24"."sentiment_score",
                    "t24"."text",
                    "t24"."day",
                    "t24"."kind",
                    "t24"."detractor",
                    'Planhat' AS "competitor"
                  FROM "t22" AS "t24"
                  WHERE
                    "t24"."day" <= MAKE_DATE(2026, 6, 30)
                    AND "t24"."day" > (
                      MAKE_DATE(2026, 6, 30) - INTERVAL '30' DAY
                    )
                    AND REGEXP_MATCHES(
                      TRANSLATE(LOWER("t24"."text"), 'أإآٱىة', 'اااايه'),
                      '(^|[^a-z0-9ء-ي])(planhat|(و|ف|ب|ل|ال|وال|بال|فال|لل){0,1}بلانهات|(و|ف|ب|ل|ال|وال|بال|فال|لل){0,1}بلان هات)($|[^a-z0-9ء-ي])'
                    )
                ) AS "t28"
              ) AS "t36"
              UNION ALL
              SELECT
                *
              FROM (
                SELECT
                  *
                FROM (
                  SELECT
                    "t24"."source",
                    "t24"."source_id",
                    "t24"."account_id",
                    "t24"."sentiment",
                    "t24"."sentiment_score",
                    "t24"."text",
                    "t24"."day",
                    "t24"."kind",
                    "t24"."detractor",
                    'HubSpot' AS "competitor"
                  FROM "t22" AS "t24"
                  WHERE
                    "t24"."day" <= MAKE_DATE(2026, 6, 30)
                    AND "t24"."day" > (
                      MAKE_DATE(2026, 6, 30) - INTERVAL '30' DAY
                    )
                    AND REGEXP_MATCHES(
                      TRANSLATE(LOWER("t24"."text"), 'أإآٱىة', 'اااايه'),
                      '(^|[^a-z0-9ء-ي])(hubspot|hub spot|(و|ف|ب|ل|ال|وال|بال|فال|لل){0,1}هب سبوت|(و|ف|ب|ل|ال|وال|بال|فال|لل){0,1}هوب سبوت|(و|ف|ب|ل|ال|وال|بال|فال|لل){0,1}هبسبوت)($|[^a-z0-9ء-ي])'
                    )
                ) AS "t29"
                UNION ALL
                SELECT
                  *
                FROM (
                  SELECT
                    "t24"."source",
                    "t24"."source_id",
                    "t24"."account_id",
                    "t24"."sentiment",
                    "t24"."sentiment_score",
                    "t24"."text",
                    "t24"."day",
                    "t24"."kind",
                    "t24"."detractor",
                    'Zendesk' AS "competitor"
                  FROM "t22" AS "t24"
                  WHERE
                    "t24"."day" <= MAKE_DATE(2026, 6, 30)
                    AND "t24"."day" > (
                      MAKE_DATE(2026, 6, 30) - INTERVAL '30' DAY
                    )
                    AND REGEXP_MATCHES(
                      TRANSLATE(LOWER("t24"."text"), 'أإآٱىة', 'اااايه'),
                      '(^|[^a-z0-9ء-ي])(zendesk|(و|ف|ب|ل|ال|وال|بال|فال|لل){0,1}زندسك|(و|ف|ب|ل|ال|وال|بال|فال|لل){0,1}زين ديسك|(و|ف|ب|ل|ال|وال|بال|فال|لل){0,1}زنديسك)($|[^a-z0-9ء-ي])'
                    )
                ) AS "t30"
              ) AS "t37"
            ) AS "t40"
            UNION ALL
            SELECT
              *
            FROM (
              SELECT
                *
              FROM (
                SELECT
                  *
                FROM (
                  SELECT
                    "t24"."source",
                    "t24"."source_id",
                    "t24"."account_id",
                    "t24"."sentiment",
                    "t24"."sentiment_score",
                    "t24"."text",
                    "t24"."day",
                    "t24"."kind",
                    "t24"."detractor",
                    'Freshdesk' AS "competitor"
                  FROM "t22" AS "t24"
                  WHERE
                    "t24"."day" <= MAKE_DATE(2026, 6, 30)
                    AND "t24"."day" > (
                      MAKE_DATE(2026, 6, 30) - INTERVAL '30' DAY
                    )
                    AND REGEXP_MATCHES(
                      TRANSLATE(LOWER("t24"."text"), 'أإآٱىة', 'اااايه'),
                      '(^|[^a-z0-9ء-ي])(freshdesk|(و|ف|ب|ل|ال|وال|بال|فال|لل){0,1}فريش ديسك|(و|ف|ب|ل|ال|وال|بال|فال|لل){0,1}فريشديسك)($|[^a-z0-9ء-ي])'
                    )
                ) AS "t31"
                UNION ALL
                SELECT
                  *
                FROM (
                  SELECT
                    "t24"."source",
                    "t24"."source_id",
                    "t24"."account_id",
                    "t24"."sentiment",
                    "t24"."sentiment_score",
                    "t24"."text",
                    "t24"."day",
                    "t24"."kind",
                    "t24"."detractor",
                    'Salesforce' AS "competitor"
                  FROM "t22" AS "t24"
                  WHERE
                    "t24"."day" <= MAKE_DATE(2026, 6, 30)
                    AND "t24"."day" > (
                      MAKE_DATE(2026, 6, 30) - INTERVAL '30' DAY
                    )
                    AND REGEXP_MATCHES(
                      TRANSLATE(LOWER("t24"."text"), 'أإآٱىة', 'اااايه'),
                      '(^|[^a-z0-9ء-ي])(salesforce|(و|ف|ب|ل|ال|وال|بال|فال|لل){0,1}سيلزفورس|(و|ف|ب|ل|ال|وال|بال|فال|لل){0,1}سيلز فورس)($|[^a-z0-9ء-ي])'
                    )
                ) AS "t32"
              ) AS "t38"
              UNION ALL
              SELECT
                *
              FROM (
                SELECT
                  *
                FROM (
                  SELECT
                    "t24"."source",
                    "t24"."source_id",
                    "t24"."account_id",
                    "t24"."sentiment",
                    "t24"."sentiment_score",
                    "t24"."text",
                    "t24"."day",
                    "t24"."kind",
                    "t24"."detractor",
                    'Zoho' AS "competitor"
                  FROM "t22" AS "t24"
                  WHERE
                    "t24"."day" <= MAKE_DATE(2026, 6, 30)
                    AND "t24"."day" > (
                      MAKE_DATE(2026, 6, 30) - INTERVAL '30' DAY
                    )
                    AND REGEXP_MATCHES(
                      TRANSLATE(LOWER("t24"."text"), 'أإآٱىة', 'اااايه'),
                      '(^|[^a-z0-9ء-ي])(zoho|(و|ف|ب|ل|ال|وال|بال|فال|لل){0,1}زوهو)($|[^a-z0-9ء-ي])'
                    )
                ) AS "t33"
                UNION ALL
                SELECT
                  *
                FROM (
                  SELECT
                    *
                  FROM (
                    SELECT
                      "t24"."source",
                      "t24"."source_id",
                      "t24"."account_id",
                      "t24"."sentiment",
                      "t24"."sentiment_score",
                      "t24"."text",
                      "t24"."day",
                      "t24"."kind",
                      "t24"."detractor",
                      'Gainsight' AS "competitor"
                    FROM "t22" AS "t24"
                    WHERE
                      "t24"."day" <= MAKE_DATE(2026, 6, 30)
                      AND "t24"."day" > (
                        MAKE_DATE(2026, 6, 30) - INTERVAL '30' DAY
                      )
                      AND REGEXP_MATCHES(
                        TRANSLATE(LOWER("t24"."text"), 'أإآٱىة', 'اااايه'),
                        '(^|[^a-z0-9ء-ي])(gainsight|(و|ف|ب|ل|ال|وال|بال|فال|لل){0,1}جينسايت|(و|ف|ب|ل|ال|وال|بال|فال|لل){0,1}جين سايت|(و|ف|ب|ل|ال|وال|بال|فال|لل){0,1}قينسايت)($|[^a-z0-9ء-ي])'
                      )
                  ) AS "t34"
                  UNION ALL
                  SELECT
                    *
                  FROM (
                    SELECT
                      "t24"."source",
                      "t24"."source_id",
                      "t24"."account_id",
                      "t24"."sentiment",
                      "t24"."sentiment_score",
                      "t24"."text",
                      "t24"."day",
                      "t24"."kind",
                      "t24"."detractor",
                      'Totango' AS "competitor"
                    FROM "t22" AS "t24"
                    WHERE
                      "t24"."day" <= MAKE_DATE(2026, 6, 30)
                      AND "t24"."day" > (
                        MAKE_DATE(2026, 6, 30) - INTERVAL '30' DAY
                      )
                      AND REGEXP_MATCHES(
                        TRANSLATE(LOWER("t24"."text"), 'أإآٱىة', 'اااايه'),
                        '(^|[^a-z0-9ء-ي])(totango|(و|ف|ب|ل|ال|وال|بال|فال|لل){0,1}توتانجو|(و|ف|ب|ل|ال|وال|بال|فال|لل){0,1}توتانقو)($|[^a-z0-9ء-ي])'
                      )
                  ) AS "t35"
                ) AS "t39"
              ) AS "t41"
            ) AS "t42"
          ) AS "t43"
        ) AS "t44"
        GROUP BY
          1,
          2
      ) AS "t45"
      GROUP BY
        1
    ) AS "t47"
    SEMI JOIN (
      SELECT DISTINCT
        "t15"."account_id"
      FROM (
        SELECT
          *
        FROM "subscriptions" AS "t0"
        WHERE
          "t0"."account_id" IN (
            SELECT
              "t1"."account_id"
            FROM "accounts" AS "t1"
            WHERE
              "t1"."status" <> 'unmatched'
          )
      ) AS "t15"
      WHERE
        "t15"."start_date" <= MAKE_DATE(2026, 6, 30)
        AND (
          (
            "t15"."end_date" IS NULL
          ) OR (
            "t15"."end_date" > MAKE_DATE(2026, 6, 30)
          )
        )
    ) AS "t23"
      ON "t47"."account_id" = "t23"."account_id"
    INNER JOIN (
      SELECT
        "t16"."account_id" AS "scored_account",
        "t16"."band"
      FROM "t9" AS "t16"
      SEMI JOIN (
        SELECT
          "t12"."account_id",
          MAX("t12"."as_of") AS "as_of"
        FROM "t9" AS "t12"
        GROUP BY
          1
      ) AS "t18"
        ON "t16"."account_id" = "t18"."account_id" AND "t16"."as_of" = "t18"."as_of"
    ) AS "t26"
      ON "t47"."account_id" = "t26"."scored_account"
  ) AS "t48"
  WHERE
    "t48"."band" IN ('unhealthy', 'neutral')
) AS f;

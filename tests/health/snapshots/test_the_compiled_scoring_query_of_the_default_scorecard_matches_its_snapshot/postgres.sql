WITH "t45" AS (
  SELECT
    "t34"."account_id",
    SUM("t34"."quantity") AS "licences"
  FROM (
    SELECT
      *
    FROM "subscriptions" AS "t6"
    WHERE
      "t6"."start_date" <= MAKE_DATE(2026, 6, 30)
      AND (
        (
          "t6"."end_date" IS NULL
        ) OR (
          "t6"."end_date" > MAKE_DATE(2026, 6, 30)
        )
      )
  ) AS "t34"
  GROUP BY
    1
), "measure_values" AS (
  SELECT
    "t132"."account_id",
    "t132"."segment",
    "t132"."csm",
    "t132"."licences",
    CASE
      WHEN ABS("t132"."r__licence_utilisation") < 1000000000.0
      THEN CAST(CAST(ROUND("t132"."r__licence_utilisation" * 1000000000.0) AS BIGINT) AS DOUBLE PRECISION) / 1000000000.0
      ELSE "t132"."r__licence_utilisation"
    END AS "r__licence_utilisation",
    CASE
      WHEN ABS("t132"."r__usage_time_daily") < 1000000000.0
      THEN CAST(CAST(ROUND("t132"."r__usage_time_daily" * 1000000000.0) AS BIGINT) AS DOUBLE PRECISION) / 1000000000.0
      ELSE "t132"."r__usage_time_daily"
    END AS "r__usage_time_daily",
    CASE
      WHEN ABS("t132"."r__usage_time_weekly") < 1000000000.0
      THEN CAST(CAST(ROUND("t132"."r__usage_time_weekly" * 1000000000.0) AS BIGINT) AS DOUBLE PRECISION) / 1000000000.0
      ELSE "t132"."r__usage_time_weekly"
    END AS "r__usage_time_weekly",
    CASE
      WHEN ABS("t132"."r__feature_adoption") < 1000000000.0
      THEN CAST(CAST(ROUND("t132"."r__feature_adoption" * 1000000000.0) AS BIGINT) AS DOUBLE PRECISION) / 1000000000.0
      ELSE "t132"."r__feature_adoption"
    END AS "r__feature_adoption",
    CASE
      WHEN ABS("t132"."r__usage_trend") < 1000000000.0
      THEN CAST(CAST(ROUND("t132"."r__usage_trend" * 1000000000.0) AS BIGINT) AS DOUBLE PRECISION) / 1000000000.0
      ELSE "t132"."r__usage_trend"
    END AS "r__usage_trend",
    CASE
      WHEN ABS("t132"."p__new_licences") < 1000000000.0
      THEN CAST(CAST(ROUND("t132"."p__new_licences" * 1000000000.0) AS BIGINT) AS DOUBLE PRECISION) / 1000000000.0
      ELSE "t132"."p__new_licences"
    END AS "r__new_licences",
    CASE
      WHEN ABS(COALESCE("t132"."p__solution_upgrade", 0)) < 1000000000.0
      THEN CAST(CAST(ROUND(COALESCE("t132"."p__solution_upgrade", 0) * 1000000000.0) AS BIGINT) AS DOUBLE PRECISION) / 1000000000.0
      ELSE COALESCE("t132"."p__solution_upgrade", 0)
    END AS "r__solution_upgrade",
    CASE
      WHEN ABS(COALESCE("t132"."p__ticket_frequency", 0)) < 1000000000.0
      THEN CAST(CAST(ROUND(COALESCE("t132"."p__ticket_frequency", 0) * 1000000000.0) AS BIGINT) AS DOUBLE PRECISION) / 1000000000.0
      ELSE COALESCE("t132"."p__ticket_frequency", 0)
    END AS "r__ticket_frequency",
    CASE
      WHEN ABS("t132"."p__ticket_csat") < 1000000000.0
      THEN CAST(CAST(ROUND("t132"."p__ticket_csat" * 1000000000.0) AS BIGINT) AS DOUBLE PRECISION) / 1000000000.0
      ELSE "t132"."p__ticket_csat"
    END AS "r__ticket_csat",
    CASE
      WHEN ABS("t132"."p__payment_days_overdue") < 1000000000.0
      THEN CAST(CAST(ROUND("t132"."p__payment_days_overdue" * 1000000000.0) AS BIGINT) AS DOUBLE PRECISION) / 1000000000.0
      ELSE "t132"."p__payment_days_overdue"
    END AS "r__payment_days_overdue",
    CASE
      WHEN ABS("t132"."p__late_invoice_share") < 1000000000.0
      THEN CAST(CAST(ROUND("t132"."p__late_invoice_share" * 1000000000.0) AS BIGINT) AS DOUBLE PRECISION) / 1000000000.0
      ELSE "t132"."p__late_invoice_share"
    END AS "r__late_invoice_share",
    CASE
      WHEN ABS("t132"."p__nps_latest") < 1000000000.0
      THEN CAST(CAST(ROUND("t132"."p__nps_latest" * 1000000000.0) AS BIGINT) AS DOUBLE PRECISION) / 1000000000.0
      ELSE "t132"."p__nps_latest"
    END AS "r__nps_latest",
    CASE
      WHEN ABS("t132"."p__sentiment") < 1000000000.0
      THEN CAST(CAST(ROUND("t132"."p__sentiment" * 1000000000.0) AS BIGINT) AS DOUBLE PRECISION) / 1000000000.0
      ELSE "t132"."p__sentiment"
    END AS "r__sentiment",
    CASE
      WHEN ABS("t132"."p__csm_rating") < 1000000000.0
      THEN CAST(CAST(ROUND("t132"."p__csm_rating" * 1000000000.0) AS BIGINT) AS DOUBLE PRECISION) / 1000000000.0
      ELSE "t132"."p__csm_rating"
    END AS "r__csm_rating",
    CASE
      WHEN ABS(COALESCE("t132"."p__referrals", 0)) < 1000000000.0
      THEN CAST(CAST(ROUND(COALESCE("t132"."p__referrals", 0) * 1000000000.0) AS BIGINT) AS DOUBLE PRECISION) / 1000000000.0
      ELSE COALESCE("t132"."p__referrals", 0)
    END AS "r__referrals"
  FROM (
    SELECT
      "t131"."account_id",
      "t131"."segment",
      "t131"."csm",
      "t131"."licences",
      "t131"."r__licence_utilisation",
      "t131"."r__usage_time_daily",
      "t131"."r__usage_time_weekly",
      "t131"."r__feature_adoption",
      "t131"."r__usage_trend",
      "t131"."p__new_licences",
      "t131"."p__solution_upgrade",
      "t131"."p__ticket_frequency",
      "t131"."p__ticket_csat",
      "t131"."p__payment_days_overdue",
      "t131"."p__late_invoice_share",
      "t131"."p__nps_latest",
      "t131"."p__sentiment",
      "t131"."p__csm_rating",
      "t131"."p__referrals"
    FROM (
      SELECT
        "t130"."account_id",
        "t130"."segment",
        "t130"."csm",
        "t130"."licences",
        "t130"."r__licence_utilisation",
        "t130"."r__usage_time_daily",
        "t130"."r__usage_time_weekly",
        "t130"."r__feature_adoption",
        "t130"."r__usage_trend",
        "t130"."p__new_licences",
        "t130"."p__solution_upgrade",
        "t130"."p__ticket_frequency",
        "t130"."p__ticket_csat",
        "t130"."p__payment_days_overdue",
        "t130"."p__late_invoice_share",
        "t130"."p__nps_latest",
        "t130"."p__sentiment",
        "t130"."p__csm_rating",
        "t60"."k__referrals",
        "t60"."p__referrals"
      FROM (
        SELECT
          "t128"."account_id",
          "t128"."segment",
          "t128"."csm",
          "t128"."licences",
          "t128"."r__licence_utilisation",
          "t128"."r__usage_time_daily",
          "t128"."r__usage_time_weekly",
          "t128"."r__feature_adoption",
          "t128"."r__usage_trend",
          "t128"."p__new_licences",
          "t128"."p__solution_upgrade",
          "t128"."p__ticket_frequency",
          "t128"."p__ticket_csat",
          "t128"."p__payment_days_overdue",
          "t128"."p__late_invoice_share",
          "t128"."p__nps_latest",
          "t128"."p__sentiment",
          "t128"."p__csm_rating"
        FROM (
          SELECT
            "t127"."account_id",
            "t127"."segment",
            "t127"."csm",
            "t127"."licences",
            "t127"."r__licence_utilisation",
            "t127"."r__usage_time_daily",
            "t127"."r__usage_time_weekly",
            "t127"."r__feature_adoption",
            "t127"."r__usage_trend",
            "t127"."p__new_licences",
            "t127"."p__solution_upgrade",
            "t127"."p__ticket_frequency",
            "t127"."p__ticket_csat",
            "t127"."p__payment_days_overdue",
            "t127"."p__late_invoice_share",
            "t127"."p__nps_latest",
            "t127"."p__sentiment",
            "t59"."k__csm_rating",
            "t59"."p__csm_rating"
          FROM (
            SELECT
              "t125"."account_id",
              "t125"."segment",
              "t125"."csm",
              "t125"."licences",
              "t125"."r__licence_utilisation",
              "t125"."r__usage_time_daily",
              "t125"."r__usage_time_weekly",
              "t125"."r__feature_adoption",
              "t125"."r__usage_trend",
              "t125"."p__new_licences",
              "t125"."p__solution_upgrade",
              "t125"."p__ticket_frequency",
              "t125"."p__ticket_csat",
              "t125"."p__payment_days_overdue",
              "t125"."p__late_invoice_share",
              "t125"."p__nps_latest",
              "t125"."p__sentiment"
            FROM (
              SELECT
                "t124"."account_id",
                "t124"."segment",
                "t124"."csm",
                "t124"."licences",
                "t124"."r__licence_utilisation",
                "t124"."r__usage_time_daily",
                "t124"."r__usage_time_weekly",
                "t124"."r__feature_adoption",
                "t124"."r__usage_trend",
                "t124"."p__new_licences",
                "t124"."p__solution_upgrade",
                "t124"."p__ticket_frequency",
                "t124"."p__ticket_csat",
                "t124"."p__payment_days_overdue",
                "t124"."p__late_invoice_share",
                "t124"."p__nps_latest",
                "t88"."k__sentiment",
                "t88"."p__sentiment"
              FROM (
                SELECT
                  "t122"."account_id",
                  "t122"."segment",
                  "t122"."csm",
                  "t122"."licences",
                  "t122"."r__licence_utilisation",
                  "t122"."r__usage_time_daily",
                  "t122"."r__usage_time_weekly",
                  "t122"."r__feature_adoption",
                  "t122"."r__usage_trend",
                  "t122"."p__new_licences",
                  "t122"."p__solution_upgrade",
                  "t122"."p__ticket_frequency",
                  "t122"."p__ticket_csat",
                  "t122"."p__payment_days_overdue",
                  "t122"."p__late_invoice_share",
                  "t122"."p__nps_latest"
                FROM (
                  SELECT
                    "t121"."account_id",
                    "t121"."segment",
                    "t121"."csm",
                    "t121"."licences",
                    "t121"."r__licence_utilisation",
                    "t121"."r__usage_time_daily",
                    "t121"."r__usage_time_weekly",
                    "t121"."r__feature_adoption",
                    "t121"."r__usage_trend",
                    "t121"."p__new_licences",
                    "t121"."p__solution_upgrade",
                    "t121"."p__ticket_frequency",
                    "t121"."p__ticket_csat",
                    "t121"."p__payment_days_overdue",
                    "t121"."p__late_invoice_share",
                    "t69"."k__nps_latest",
                    "t69"."p__nps_latest"
                  FROM (
                    SELECT
                      "t119"."account_id",
                      "t119"."segment",
                      "t119"."csm",
                      "t119"."licences",
                      "t119"."r__licence_utilisation",
                      "t119"."r__usage_time_daily",
                      "t119"."r__usage_time_weekly",
                      "t119"."r__feature_adoption",
                      "t119"."r__usage_trend",
                      "t119"."p__new_licences",
                      "t119"."p__solution_upgrade",
                      "t119"."p__ticket_frequency",
                      "t119"."p__ticket_csat",
                      "t119"."p__payment_days_overdue",
                      "t119"."p__late_invoice_share"
                    FROM (
                      SELECT
                        "t118"."account_id",
                        "t118"."segment",
                        "t118"."csm",
                        "t118"."licences",
                        "t118"."r__licence_utilisation",
                        "t118"."r__usage_time_daily",
                        "t118"."r__usage_time_weekly",
                        "t118"."r__feature_adoption",
                        "t118"."r__usage_trend",
                        "t118"."p__new_licences",
                        "t118"."p__solution_upgrade",
                        "t118"."p__ticket_frequency",
                        "t118"."p__ticket_csat",
                        "t118"."p__payment_days_overdue",
                        "t80"."k__late_invoice_share",
                        "t80"."p__late_invoice_share"
                      FROM (
                        SELECT
                          "t116"."account_id",
                          "t116"."segment",
                          "t116"."csm",
                          "t116"."licences",
                          "t116"."r__licence_utilisation",
                          "t116"."r__usage_time_daily",
                          "t116"."r__usage_time_weekly",
                          "t116"."r__feature_adoption",
                          "t116"."r__usage_trend",
                          "t116"."p__new_licences",
                          "t116"."p__solution_upgrade",
                          "t116"."p__ticket_frequency",
                          "t116"."p__ticket_csat",
                          "t116"."p__payment_days_overdue"
                        FROM (
                          SELECT
                            "t115"."account_id",
                            "t115"."segment",
                            "t115"."csm",
                            "t115"."licences",
                            "t115"."r__licence_utilisation",
                            "t115"."r__usage_time_daily",
                            "t115"."r__usage_time_weekly",
                            "t115"."r__feature_adoption",
                            "t115"."r__usage_trend",
                            "t115"."p__new_licences",
                            "t115"."p__solution_upgrade",
                            "t115"."p__ticket_frequency",
                            "t115"."p__ticket_csat",
                            "t85"."k__payment_days_overdue",
                            "t85"."p__payment_days_overdue"
                          FROM (
                            SELECT
                              "t113"."account_id",
                              "t113"."segment",
                              "t113"."csm",
                              "t113"."licences",
                              "t113"."r__licence_utilisation",
                              "t113"."r__usage_time_daily",
                              "t113"."r__usage_time_weekly",
                              "t113"."r__feature_adoption",
                              "t113"."r__usage_trend",
                              "t113"."p__new_licences",
                              "t113"."p__solution_upgrade",
                              "t113"."p__ticket_frequency",
                              "t113"."p__ticket_csat"
                            FROM (
                              SELECT
                                "t112"."account_id",
                                "t112"."segment",
                                "t112"."csm",
                                "t112"."licences",
                                "t112"."r__licence_utilisation",
                                "t112"."r__usage_time_daily",
                                "t112"."r__usage_time_weekly",
                                "t112"."r__feature_adoption",
                                "t112"."r__usage_trend",
                                "t112"."p__new_licences",
                                "t112"."p__solution_upgrade",
                                "t112"."p__ticket_frequency",
                                "t74"."k__ticket_csat",
                                "t74"."p__ticket_csat"
                              FROM (
                                SELECT
                                  "t110"."account_id",
                                  "t110"."segment",
                                  "t110"."csm",
                                  "t110"."licences",
                                  "t110"."r__licence_utilisation",
                                  "t110"."r__usage_time_daily",
                                  "t110"."r__usage_time_weekly",
                                  "t110"."r__feature_adoption",
                                  "t110"."r__usage_trend",
                                  "t110"."p__new_licences",
                                  "t110"."p__solution_upgrade",
                                  "t110"."p__ticket_frequency"
                                FROM (
                                  SELECT
                                    "t109"."account_id",
                                    "t109"."segment",
                                    "t109"."csm",
                                    "t109"."licences",
                                    "t109"."r__licence_utilisation",
                                    "t109"."r__usage_time_daily",
                                    "t109"."r__usage_time_weekly",
                                    "t109"."r__feature_adoption",
                                    "t109"."r__usage_trend",
                                    "t109"."p__new_licences",
                                    "t109"."p__solution_upgrade",
                                    "t64"."k__ticket_frequency",
                                    "t64"."p__ticket_frequency"
                                  FROM (
                                    SELECT
                                      "t107"."account_id",
                                      "t107"."segment",
                                      "t107"."csm",
                                      "t107"."licences",
                                      "t107"."r__licence_utilisation",
                                      "t107"."r__usage_time_daily",
                                      "t107"."r__usage_time_weekly",
                                      "t107"."r__feature_adoption",
                                      "t107"."r__usage_trend",
                                      "t107"."p__new_licences",
                                      "t107"."p__solution_upgrade"
                                    FROM (
                                      SELECT
                                        "t106"."account_id",
                                        "t106"."segment",
                                        "t106"."csm",
                                        "t106"."licences",
                                        "t106"."r__licence_utilisation",
                                        "t106"."r__usage_time_daily",
                                        "t106"."r__usage_time_weekly",
                                        "t106"."r__feature_adoption",
                                        "t106"."r__usage_trend",
                                        "t106"."p__new_licences",
                                        "t82"."k__solution_upgrade",
                                        "t82"."p__solution_upgrade"
                                      FROM (
                                        SELECT
                                          "t104"."account_id",
                                          "t104"."segment",
                                          "t104"."csm",
                                          "t104"."licences",
                                          "t104"."r__licence_utilisation",
                                          "t104"."r__usage_time_daily",
                                          "t104"."r__usage_time_weekly",
                                          "t104"."r__feature_adoption",
                                          "t104"."r__usage_trend",
                                          "t104"."p__new_licences"
                                        FROM (
                                          SELECT
                                            "t103"."account_id",
                                            "t103"."segment",
                                            "t103"."csm",
                                            "t103"."licences",
                                            "t103"."r__licence_utilisation",
                                            "t103"."r__usage_time_daily",
                                            "t103"."r__usage_time_weekly",
                                            "t103"."r__feature_adoption",
                                            "t103"."r__usage_trend",
                                            "t92"."k__new_licences",
                                            "t92"."p__new_licences"
                                          FROM (
                                            SELECT
                                              "t101"."account_id",
                                              "t101"."segment",
                                              "t101"."csm",
                                              "t101"."licences",
                                              CASE
                                                WHEN "t101"."licences" > 0
                                                THEN CAST(COALESCE("t101"."licence_utilisation__seen", 0) AS DOUBLE PRECISION) / "t101"."licences"
                                                ELSE NULL
                                              END AS "r__licence_utilisation",
                                              CASE
                                                WHEN COALESCE("t101"."usage_time_daily__periods", 0) > 0
                                                THEN CAST("t101"."usage_time_daily__minutes" AS DOUBLE PRECISION) / COALESCE("t101"."usage_time_daily__periods", 0)
                                                ELSE CAST(0 AS DOUBLE PRECISION)
                                              END AS "r__usage_time_daily",
                                              CASE
                                                WHEN COALESCE("t101"."usage_time_weekly__periods", 0) > 0
                                                THEN CAST("t101"."usage_time_weekly__minutes" AS DOUBLE PRECISION) / COALESCE("t101"."usage_time_weekly__periods", 0)
                                                ELSE CAST(0 AS DOUBLE PRECISION)
                                              END AS "r__usage_time_weekly",
                                              CASE
                                                WHEN "t101"."feature_adoption__catalogue" > 0
                                                THEN CAST(COALESCE("t101"."feature_adoption__features", 0) AS DOUBLE PRECISION) / "t101"."feature_adoption__catalogue"
                                                ELSE NULL
                                              END AS "r__feature_adoption",
                                              CASE
                                                WHEN COALESCE("t101"."usage_trend__previous", 0) > 0
                                                THEN (
                                                  CAST(COALESCE("t101"."usage_trend__minutes", 0) AS DOUBLE PRECISION) / "t101"."usage_trend__previous"
                                                ) - 1
                                                ELSE NULL
                                              END AS "r__usage_trend"
                                            FROM (
                                              SELECT
                                                "t100"."account_id",
                                                "t100"."segment",
                                                "t100"."csm",
                                                "t100"."licences",
                                                "t100"."usage_time_daily__minutes",
                                                "t100"."usage_time_daily__periods",
                                                "t100"."usage_trend__minutes",
                                                "t100"."usage_trend__previous",
                                                "t100"."licence_utilisation__seen",
                                                "t100"."usage_time_weekly__minutes",
                                                "t100"."usage_time_weekly__periods",
                                                "t100"."feature_adoption__features",
                                                "t43"."feature_adoption__catalogue"
                                              FROM (
                                                SELECT
                                                  "t98"."account_id",
                                                  "t98"."segment",
                                                  "t98"."csm",
                                                  "t98"."licences",
                                                  "t98"."usage_time_daily__minutes",
                                                  "t98"."usage_time_daily__periods",
                                                  "t98"."usage_trend__minutes",
                                                  "t98"."usage_trend__previous",
                                                  "t98"."licence_utilisation__seen",
                                                  "t98"."usage_time_weekly__minutes",
                                                  "t98"."usage_time_weekly__periods",
                                                  "t98"."feature_adoption__features"
                                                FROM (
                                                  SELECT
                                                    "t97"."account_id",
                                                    "t97"."segment",
                                                    "t97"."csm",
                                                    "t97"."licences",
                                                    "t97"."usage_time_daily__minutes",
                                                    "t97"."usage_time_daily__periods",
                                                    "t97"."usage_trend__minutes",
                                                    "t97"."usage_trend__previous",
                                                    "t97"."licence_utilisation__seen",
                                                    "t97"."usage_time_weekly__minutes",
                                                    "t97"."usage_time_weekly__periods",
                                                    "t84"."feature_account",
                                                    "t84"."feature_adoption__features"
                                                  FROM (
                                                    SELECT
                                                      "t95"."account_id",
                                                      "t95"."segment",
                                                      "t95"."csm",
                                                      "t95"."licences",
                                                      "t95"."usage_time_daily__minutes",
                                                      "t95"."usage_time_daily__periods",
                                                      "t95"."usage_trend__minutes",
                                                      "t95"."usage_trend__previous",
                                                      "t95"."licence_utilisation__seen",
                                                      "t95"."usage_time_weekly__minutes",
                                                      "t95"."usage_time_weekly__periods"
                                                    FROM (
                                                      SELECT
                                                        "t91"."account_id",
                                                        "t91"."segment",
                                                        "t91"."csm",
                                                        "t91"."licences",
                                                        "t91"."usage_time_daily__minutes",
                                                        "t91"."usage_time_daily__periods",
                                                        "t91"."usage_trend__minutes",
                                                        "t91"."usage_trend__previous",
                                                        "t94"."contact_account",
                                                        "t94"."licence_utilisation__seen",
                                                        "t94"."usage_time_weekly__minutes",
                                                        "t94"."usage_time_weekly__periods"
                                                      FROM (
                                                        SELECT
                                                          "t87"."account_id",
                                                          "t87"."segment",
                                                          "t87"."csm",
                                                          "t87"."licences",
                                                          "t87"."usage_time_daily__minutes",
                                                          "t87"."usage_time_daily__periods",
                                                          "t87"."usage_trend__minutes",
                                                          "t87"."usage_trend__previous"
                                                        FROM (
                                                          SELECT
                                                            "t67"."account_id",
                                                            "t20"."segment",
                                                            "t20"."csm",
                                                            COALESCE("t56"."licences", 0) AS "licences",
                                                            "t73"."account_account",
                                                            "t73"."usage_time_daily__minutes",
                                                            "t73"."usage_time_daily__periods",
                                                            "t73"."usage_trend__minutes",
                                                            "t73"."usage_trend__previous"
                                                          FROM (
                                                            SELECT DISTINCT
                                                              "t39"."account_id"
                                                            FROM (
                                                              SELECT
                                                                *
                                                              FROM "subscriptions" AS "t6"
                                                              WHERE
                                                                "t6"."account_id" IN (
                                                                  SELECT
                                                                    "t9"."account_id"
                                                                  FROM "accounts" AS "t9"
                                                                  WHERE
                                                                    "t9"."status" <> 'unmatched'
                                                                )
                                                            ) AS "t39"
                                                            WHERE
                                                              "t39"."start_date" <= MAKE_DATE(2026, 6, 30)
                                                              AND (
                                                                (
                                                                  "t39"."end_date" IS NULL
                                                                ) OR (
                                                                  "t39"."end_date" > MAKE_DATE(2026, 6, 30)
                                                                )
                                                              )
                                                          ) AS "t67"
                                                          INNER JOIN (
                                                            SELECT
                                                              "t9"."account_id",
                                                              "t9"."segment",
                                                              "t9"."csm"
                                                            FROM "accounts" AS "t9"
                                                          ) AS "t20"
                                                            ON "t67"."account_id" = "t20"."account_id"
                                                          LEFT OUTER JOIN "t45" AS "t56"
                                                            ON "t67"."account_id" = "t56"."account_id"
                                                          LEFT OUTER JOIN (
                                                            SELECT
                                                              "t22"."account_id" AS "account_account",
                                                              SUM(
                                                                CASE
                                                                  WHEN (
                                                                    "t22"."day" >= (
                                                                      MAKE_DATE(2026, 6, 30) - INTERVAL '29 DAY'
                                                                    )
                                                                  )
                                                                  AND (
                                                                    "t22"."event_type" = 'session'
                                                                  )
                                                                  AND (
                                                                    "t22"."contact_id" <> ''
                                                                  )
                                                                  THEN "t22"."value_sum"
                                                                  ELSE NULL
                                                                END
                                                              ) AS "usage_time_daily__minutes",
                                                              COUNT(
                                                                CASE
                                                                  WHEN (
                                                                    "t22"."day" >= (
                                                                      MAKE_DATE(2026, 6, 30) - INTERVAL '29 DAY'
                                                                    )
                                                                  )
                                                                  AND (
                                                                    "t22"."event_type" = 'session'
                                                                  )
                                                                  AND (
                                                                    "t22"."contact_id" <> ''
                                                                  )
                                                                  THEN "t22"."day"
                                                                  ELSE NULL
                                                                END
                                                              ) AS "usage_time_daily__periods",
                                                              SUM(
                                                                CASE
                                                                  WHEN (
                                                                    "t22"."day" >= (
                                                                      MAKE_DATE(2026, 6, 30) - INTERVAL '29 DAY'
                                                                    )
                                                                  )
                                                                  AND (
                                                                    "t22"."event_type" = 'session'
                                                                  )
                                                                  THEN "t22"."value_sum"
                                                                  ELSE NULL
                                                                END
                                                              ) AS "usage_trend__minutes",
                                                              SUM(
                                                                CASE
                                                                  WHEN (
                                                                    "t22"."day" >= (
                                                                      MAKE_DATE(2026, 6, 30) - INTERVAL '59 DAY'
                                                                    )
                                                                  )
                                                                  AND (
                                                                    "t22"."day" < (
                                                                      MAKE_DATE(2026, 6, 30) - INTERVAL '29 DAY'
                                                                    )
                                                                  )
                                                                  AND (
                                                                    "t22"."event_type" = 'session'
                                                                  )
                                                                  THEN "t22"."value_sum"
                                                                  ELSE NULL
                                                                END
                                                              ) AS "usage_trend__previous"
                                                            FROM (
                                                              SELECT
                                                                *
                                                              FROM "activity_daily" AS "t8"
                                                              WHERE
                                                                "t8"."day" <= MAKE_DATE(2026, 6, 30)
                                                                AND "t8"."day" > (
                                                                  MAKE_DATE(2026, 6, 30) - INTERVAL '60 DAY'
                                                                )
                                                                AND "t8"."event_type" = 'session'
                                                            ) AS "t22"
                                                            GROUP BY
                                                              1
                                                          ) AS "t73"
                                                            ON "t67"."account_id" = "t73"."account_account"
                                                        ) AS "t87"
                                                      ) AS "t91"
                                                      LEFT OUTER JOIN (
                                                        SELECT
                                                          "t75"."account_id" AS "contact_account",
                                                          SUM("t75"."licence_utilisation__seen") AS "licence_utilisation__seen",
                                                          SUM("t75"."usage_time_weekly__minutes") AS "usage_time_weekly__minutes",
                                                          SUM(
                                                            (
                                                              (
                                                                COALESCE("t75"."usage_time_weekly__weeks0", 0) >> 0
                                                              ) & 1
                                                            ) + (
                                                              (
                                                                COALESCE("t75"."usage_time_weekly__weeks0", 0) >> 1
                                                              ) & 1
                                                            ) + (
                                                              (
                                                                COALESCE("t75"."usage_time_weekly__weeks0", 0) >> 2
                                                              ) & 1
                                                            ) + (
                                                              (
                                                                COALESCE("t75"."usage_time_weekly__weeks0", 0) >> 3
                                                              ) & 1
                                                            )
                                                          ) AS "usage_time_weekly__periods"
                                                        FROM (
                                                          SELECT
                                                            "t19"."account_id",
                                                            "t19"."contact_id",
                                                            CASE
                                                              WHEN COUNT(
                                                                CASE
                                                                  WHEN "t19"."day" >= (
                                                                    MAKE_DATE(2026, 6, 30) - INTERVAL '29 DAY'
                                                                  )
                                                                  THEN "t19"."day"
                                                                  ELSE NULL
                                                                END
                                                              ) > 0
                                                              THEN 1
                                                              ELSE 0
                                                            END AS "licence_utilisation__seen",
                                                            SUM(
                                                              CASE
                                                                WHEN (
                                                                  "t19"."event_type" = 'session'
                                                                )
                                                                AND (
                                                                  CAST(EXTRACT(EPOCH FROM CAST(MAKE_DATE(2026, 6, 30) AS TIMESTAMP) - CAST("t19"."day" AS TIMESTAMP)) / 86400 AS BIGINT) < 28
                                                                )
                                                                THEN "t19"."value_sum"
                                                                ELSE NULL
                                                              END
                                                            ) AS "usage_time_weekly__minutes",
                                                            BIT_OR(
                                                              CASE
                                                                WHEN (
                                                                  "t19"."event_type" = 'session'
                                                                )
                                                                AND (
                                                                  CAST(EXTRACT(EPOCH FROM CAST(MAKE_DATE(2026, 6, 30) AS TIMESTAMP) - CAST("t19"."day" AS TIMESTAMP)) / 86400 AS BIGINT) < 28
                                                                )
                                                                THEN CAST(1 AS BIGINT) << CAST(CAST(FLOOR(
                                                                  CAST((
                                                                    CAST(EXTRACT(EPOCH FROM CAST(MAKE_DATE(2026, 6, 30) AS TIMESTAMP) - CAST("t19"."day" AS TIMESTAMP)) / 86400 AS BIGINT)
                                                                  ) AS DOUBLE PRECISION) / (
                                                                    7
                                                                  )
                                                                ) AS BIGINT) % 62 AS INT)
                                                                ELSE NULL
                                                              END
                                                            ) AS "usage_time_weekly__weeks0"
                                                          FROM (
                                                            SELECT
                                                              *
                                                            FROM "activity_daily" AS "t8"
                                                            WHERE
                                                              "t8"."day" <= MAKE_DATE(2026, 6, 30)
                                                              AND "t8"."day" > (
                                                                MAKE_DATE(2026, 6, 30) - INTERVAL '30 DAY'
                                                              )
                                                              AND "t8"."contact_id" <> ''
                                                          ) AS "t19"
                                                          GROUP BY
                                                            1,
                                                            2
                                                        ) AS "t75"
                                                        GROUP BY
                                                          1
                                                      ) AS "t94"
                                                        ON "t91"."account_id" = "t94"."contact_account"
                                                    ) AS "t95"
                                                  ) AS "t97"
                                                  LEFT OUTER JOIN (
                                                    SELECT
                                                      "t66"."account_id" AS "feature_account",
                                                      SUM("t66"."feature_adoption__used") AS "feature_adoption__features"
                                                    FROM (
                                                      SELECT
                                                        "t18"."account_id",
                                                        "t18"."event_type",
                                                        CASE
                                                          WHEN COUNT(
                                                            CASE
                                                              WHEN "t18"."day" >= (
                                                                MAKE_DATE(2026, 6, 30) - INTERVAL '29 DAY'
                                                              )
                                                              THEN "t18"."day"
                                                              ELSE NULL
                                                            END
                                                          ) > 0
                                                          THEN 1
                                                          ELSE 0
                                                        END AS "feature_adoption__used"
                                                      FROM (
                                                        SELECT
                                                          *
                                                        FROM "activity_daily" AS "t8"
                                                        WHERE
                                                          "t8"."day" <= MAKE_DATE(2026, 6, 30)
                                                          AND "t8"."day" > (
                                                            MAKE_DATE(2026, 6, 30) - INTERVAL '30 DAY'
                                                          )
                                                          AND STARTS_WITH("t8"."event_type", 'feature:')
                                                      ) AS "t18"
                                                      GROUP BY
                                                        1,
                                                        2
                                                    ) AS "t66"
                                                    GROUP BY
                                                      1
                                                  ) AS "t84"
                                                    ON "t97"."account_id" = "t84"."feature_account"
                                                ) AS "t98"
                                              ) AS "t100"
                                              CROSS JOIN (
                                                SELECT
                                                  COUNT(*) AS "feature_adoption__catalogue"
                                                FROM (
                                                  SELECT
                                                    *
                                                  FROM "event_types" AS "t7"
                                                  WHERE
                                                    "t7"."first_day" <= MAKE_DATE(2026, 6, 30)
                                                    AND STARTS_WITH("t7"."event_type", 'feature:')
                                                ) AS "t17"
                                              ) AS "t43"
                                            ) AS "t101"
                                          ) AS "t103"
                                          LEFT OUTER JOIN (
                                            SELECT
                                              "t83"."account_id" AS "k__new_licences",
                                              CAST("t83"."value" AS DOUBLE PRECISION) AS "p__new_licences"
                                            FROM (
                                              SELECT
                                                "t55"."account_id",
                                                "t55"."licences" - COALESCE("t65"."before", 0) AS "value"
                                              FROM "t45" AS "t55"
                                              LEFT OUTER JOIN (
                                                SELECT
                                                  "t46"."account_id",
                                                  "t46"."licences" AS "before"
                                                FROM (
                                                  SELECT
                                                    "t35"."account_id",
                                                    SUM("t35"."quantity") AS "licences"
                                                  FROM (
                                                    SELECT
                                                      *
                                                    FROM "subscriptions" AS "t6"
                                                    WHERE
                                                      "t6"."start_date" <= (
                                                        MAKE_DATE(2026, 6, 30) - INTERVAL '90 DAY'
                                                      )
                                                      AND (
                                                        (
                                                          "t6"."end_date" IS NULL
                                                        )
                                                        OR (
                                                          "t6"."end_date" > (
                                                            MAKE_DATE(2026, 6, 30) - INTERVAL '90 DAY'
                                                          )
                                                        )
                                                      )
                                                  ) AS "t35"
                                                  GROUP BY
                                                    1
                                                ) AS "t46"
                                              ) AS "t65"
                                                ON "t55"."account_id" = "t65"."account_id"
                                            ) AS "t83"
                                          ) AS "t92"
                                            ON "t103"."account_id" = "t92"."k__new_licences"
                                        ) AS "t104"
                                      ) AS "t106"
                                      LEFT OUTER JOIN (
                                        SELECT
                                          "t72"."account_id" AS "k__solution_upgrade",
                                          CAST(1 AS DOUBLE PRECISION) AS "p__solution_upgrade"
                                        FROM (
                                          SELECT DISTINCT
                                            "t48"."account_id"
                                          FROM (
                                            SELECT
                                              "t33"."subscription_id",
                                              "t33"."account_id",
                                              "t33"."product",
                                              "t33"."mrr",
                                              "t33"."currency",
                                              "t33"."quantity",
                                              "t33"."start_date",
                                              "t33"."end_date",
                                              "t33"."renewal_date",
                                              "t16"."old_account",
                                              "t16"."old_product",
                                              "t16"."old_end",
                                              "t16"."old_mrr"
                                            FROM (
                                              SELECT
                                                *
                                              FROM "subscriptions" AS "t6"
                                              WHERE
                                                "t6"."start_date" >= (
                                                  MAKE_DATE(2026, 6, 30) - INTERVAL '179 DAY'
                                                )
                                                AND "t6"."start_date" <= MAKE_DATE(2026, 6, 30)
                                            ) AS "t33"
                                            INNER JOIN (
                                              SELECT
                                                "t6"."account_id" AS "old_account",
                                                "t6"."product" AS "old_product",
                                                "t6"."end_date" AS "old_end",
                                                "t6"."mrr" AS "old_mrr"
                                              FROM "subscriptions" AS "t6"
                                            ) AS "t16"
                                              ON "t33"."account_id" = "t16"."old_account"
                                              AND "t33"."product" = "t16"."old_product"
                                              AND "t33"."start_date" = "t16"."old_end"
                                          ) AS "t48"
                                          WHERE
                                            "t48"."mrr" > "t48"."old_mrr"
                                        ) AS "t72"
                                      ) AS "t82"
                                        ON "t106"."account_id" = "t82"."k__solution_upgrade"
                                    ) AS "t107"
                                  ) AS "t109"
                                  LEFT OUTER JOIN (
                                    SELECT
                                      CAST("t42"."account_id" AS VARCHAR) AS "k__ticket_frequency",
                                      CAST("t42"."value" AS DOUBLE PRECISION) AS "p__ticket_frequency"
                                    FROM (
                                      SELECT
                                        "t32"."account_id",
                                        COUNT(*) AS "value"
                                      FROM (
                                        SELECT
                                          *
                                        FROM "tickets" AS "t4"
                                        WHERE
                                          "t4"."opened_at" >= CAST(MAKE_DATE(2026, 6, 30) - INTERVAL '89 DAY' AS TIMESTAMP)
                                          AND "t4"."opened_at" < CAST(MAKE_DATE(2026, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                                      ) AS "t32"
                                      GROUP BY
                                        1
                                    ) AS "t42"
                                  ) AS "t64"
                                    ON "t109"."account_id" = "t64"."k__ticket_frequency"
                                ) AS "t110"
                              ) AS "t112"
                              LEFT OUTER JOIN (
                                SELECT
                                  CAST("t47"."account_id" AS VARCHAR) AS "k__ticket_csat",
                                  "t47"."value" AS "p__ticket_csat"
                                FROM (
                                  SELECT
                                    "t31"."account_id",
                                    AVG(CAST("t31"."csat" AS DOUBLE PRECISION)) AS "value"
                                  FROM (
                                    SELECT
                                      *
                                    FROM "tickets" AS "t4"
                                    WHERE
                                      "t4"."closed_at" >= CAST(MAKE_DATE(2026, 6, 30) - INTERVAL '179 DAY' AS TIMESTAMP)
                                      AND "t4"."closed_at" < CAST(MAKE_DATE(2026, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                                      AND "t4"."csat" IS NOT NULL
                                  ) AS "t31"
                                  GROUP BY
                                    1
                                ) AS "t47"
                              ) AS "t74"
                                ON "t112"."account_id" = "t74"."k__ticket_csat"
                            ) AS "t113"
                          ) AS "t115"
                          LEFT OUTER JOIN (
                            SELECT
                              CAST("t70"."account_id" AS VARCHAR) AS "k__payment_days_overdue",
                              CAST("t70"."value" AS DOUBLE PRECISION) AS "p__payment_days_overdue"
                            FROM (
                              SELECT
                                "t28"."account_id",
                                COALESCE(
                                  MAX(
                                    CASE
                                      WHEN (
                                        "t28"."paid_at" IS NULL
                                      ) AND (
                                        "t28"."due_at" < MAKE_DATE(2026, 6, 30)
                                      )
                                      THEN CAST(EXTRACT(EPOCH FROM CAST(MAKE_DATE(2026, 6, 30) AS TIMESTAMP) - CAST("t28"."due_at" AS TIMESTAMP)) / 86400 AS BIGINT)
                                      ELSE NULL
                                    END
                                  ),
                                  0
                                ) AS "value"
                              FROM (
                                SELECT
                                  "t5"."invoice_id",
                                  "t5"."account_id",
                                  "t5"."amount",
                                  "t5"."currency",
                                  "t5"."issued_at",
                                  "t5"."due_at",
                                  CASE WHEN "t5"."paid_at" <= MAKE_DATE(2026, 6, 30) THEN "t5"."paid_at" ELSE NULL END AS "paid_at"
                                FROM "invoices" AS "t5"
                                WHERE
                                  "t5"."issued_at" <= MAKE_DATE(2026, 6, 30)
                              ) AS "t28"
                              GROUP BY
                                1
                            ) AS "t70"
                          ) AS "t85"
                            ON "t115"."account_id" = "t85"."k__payment_days_overdue"
                        ) AS "t116"
                      ) AS "t118"
                      LEFT OUTER JOIN (
                        SELECT
                          CAST("t62"."account_id" AS VARCHAR) AS "k__late_invoice_share",
                          "t62"."value" AS "p__late_invoice_share"
                        FROM (
                          SELECT
                            "t27"."account_id",
                            AVG(
                              CASE
                                WHEN CASE
                                  WHEN "t27"."paid_at" IS NULL
                                  THEN "t27"."due_at" < MAKE_DATE(2026, 6, 30)
                                  ELSE "t27"."paid_at" > "t27"."due_at"
                                END
                                THEN CAST(1 AS DOUBLE PRECISION)
                                ELSE CAST(0 AS DOUBLE PRECISION)
                              END
                            ) AS "value"
                          FROM (
                            SELECT
                              "t5"."invoice_id",
                              "t5"."account_id",
                              "t5"."amount",
                              "t5"."currency",
                              "t5"."issued_at",
                              "t5"."due_at",
                              CASE WHEN "t5"."paid_at" <= MAKE_DATE(2026, 6, 30) THEN "t5"."paid_at" ELSE NULL END AS "paid_at"
                            FROM "invoices" AS "t5"
                            WHERE
                              "t5"."issued_at" <= MAKE_DATE(2026, 6, 30)
                              AND "t5"."due_at" >= (
                                MAKE_DATE(2026, 6, 30) - INTERVAL '364 DAY'
                              )
                              AND "t5"."due_at" <= MAKE_DATE(2026, 6, 30)
                          ) AS "t27"
                          GROUP BY
                            1
                        ) AS "t62"
                      ) AS "t80"
                        ON "t118"."account_id" = "t80"."k__late_invoice_share"
                    ) AS "t119"
                  ) AS "t121"
                  LEFT OUTER JOIN (
                    SELECT
                      CAST("t44"."account_id" AS VARCHAR) AS "k__nps_latest",
                      CAST("t44"."value" AS DOUBLE PRECISION) AS "p__nps_latest"
                    FROM (
                      SELECT
                        "t24"."account_id",
                        (
                          ARRAY_AGG("t24"."score" ORDER BY "t24"."responded_at" DESC NULLS LAST) FILTER(WHERE
                            "t24"."responded_at" IS NOT NULL)
                        )[1] AS "value"
                      FROM (
                        SELECT
                          *
                        FROM "survey_responses" AS "t2"
                        WHERE
                          "t2"."kind" = 'nps'
                          AND "t2"."responded_at" >= CAST(MAKE_DATE(2026, 6, 30) - INTERVAL '364 DAY' AS TIMESTAMP)
                          AND "t2"."responded_at" < CAST(MAKE_DATE(2026, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                      ) AS "t24"
                      GROUP BY
                        1
                    ) AS "t44"
                  ) AS "t69"
                    ON "t121"."account_id" = "t69"."k__nps_latest"
                ) AS "t122"
              ) AS "t124"
              LEFT OUTER JOIN (
                SELECT
                  "t77"."account_id" AS "k__sentiment",
                  "t77"."value" AS "p__sentiment"
                FROM (
                  SELECT
                    "t63"."account_id",
                    AVG("t63"."score") AS "value"
                  FROM (
                    SELECT
                      *
                    FROM (
                      SELECT
                        "t36"."account_id",
                        "t25"."sentiment_score" AS "score"
                      FROM (
                        SELECT
                          *
                        FROM "feedback_analysis" AS "t3"
                        WHERE
                          "t3"."source" = 'survey_response'
                      ) AS "t25"
                      INNER JOIN (
                        SELECT
                          *
                        FROM "survey_responses" AS "t2"
                        WHERE
                          "t2"."responded_at" >= CAST(MAKE_DATE(2026, 6, 30) - INTERVAL '179 DAY' AS TIMESTAMP)
                          AND "t2"."responded_at" < CAST(MAKE_DATE(2026, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                      ) AS "t36"
                        ON "t25"."source_id" = "t36"."response_id"
                    ) AS "t52"
                    UNION ALL
                    SELECT
                      *
                    FROM (
                      SELECT
                        "t37"."account_id",
                        "t26"."sentiment_score" AS "score"
                      FROM (
                        SELECT
                          *
                        FROM "feedback_analysis" AS "t3"
                        WHERE
                          "t3"."source" = 'ticket'
                      ) AS "t26"
                      INNER JOIN (
                        SELECT
                          *
                        FROM "tickets" AS "t4"
                        WHERE
                          "t4"."opened_at" >= CAST(MAKE_DATE(2026, 6, 30) - INTERVAL '179 DAY' AS TIMESTAMP)
                          AND "t4"."opened_at" < CAST(MAKE_DATE(2026, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                      ) AS "t37"
                        ON "t26"."source_id" = "t37"."ticket_id"
                    ) AS "t53"
                  ) AS "t63"
                  GROUP BY
                    1
                ) AS "t77"
              ) AS "t88"
                ON "t124"."account_id" = "t88"."k__sentiment"
            ) AS "t125"
          ) AS "t127"
          LEFT OUTER JOIN (
            SELECT
              CAST("t40"."account_id" AS VARCHAR) AS "k__csm_rating",
              CAST("t40"."value" AS DOUBLE PRECISION) AS "p__csm_rating"
            FROM (
              SELECT
                "t12"."account_id",
                (
                  ARRAY_AGG("t12"."rating" ORDER BY "t12"."rated_at" DESC NULLS LAST) FILTER(WHERE
                    "t12"."rated_at" IS NOT NULL)
                )[1] AS "value"
              FROM (
                SELECT
                  *
                FROM "relationship_ratings" AS "t1"
                WHERE
                  "t1"."rated_at" >= (
                    MAKE_DATE(2026, 6, 30) - INTERVAL '364 DAY'
                  )
                  AND "t1"."rated_at" <= MAKE_DATE(2026, 6, 30)
              ) AS "t12"
              GROUP BY
                1
            ) AS "t40"
          ) AS "t59"
            ON "t127"."account_id" = "t59"."k__csm_rating"
        ) AS "t128"
      ) AS "t130"
      LEFT OUTER JOIN (
        SELECT
          CAST("t41"."account_id" AS VARCHAR) AS "k__referrals",
          CAST("t41"."value" AS DOUBLE PRECISION) AS "p__referrals"
        FROM (
          SELECT
            "t23"."account_id",
            COUNT(*) AS "value"
          FROM (
            SELECT
              *
            FROM "referrals" AS "t0"
            WHERE
              "t0"."referred_at" >= CAST(MAKE_DATE(2026, 6, 30) - INTERVAL '364 DAY' AS TIMESTAMP)
              AND "t0"."referred_at" < CAST(MAKE_DATE(2026, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
          ) AS "t23"
          GROUP BY
            1
        ) AS "t41"
      ) AS "t60"
        ON "t130"."account_id" = "t60"."k__referrals"
    ) AS "t131"
  ) AS "t132"
)
SELECT
  "t152"."account_id",
  "t152"."segment",
  "t152"."csm",
  "t152"."licences",
  "t152"."r__licence_utilisation",
  "t152"."r__usage_time_daily",
  "t152"."r__usage_time_weekly",
  "t152"."r__feature_adoption",
  "t152"."r__usage_trend",
  "t152"."r__new_licences",
  "t152"."r__solution_upgrade",
  "t152"."r__ticket_frequency",
  "t152"."r__ticket_csat",
  "t152"."r__payment_days_overdue",
  "t152"."r__late_invoice_share",
  "t152"."r__nps_latest",
  "t152"."r__sentiment",
  "t152"."r__csm_rating",
  "t152"."r__referrals",
  "t152"."s__licence_utilisation",
  "t152"."s__usage_time_daily",
  "t152"."s__usage_time_weekly",
  "t152"."s__feature_adoption",
  "t152"."s__usage_trend",
  "t152"."s__new_licences",
  "t152"."s__solution_upgrade",
  "t152"."s__ticket_frequency",
  "t152"."s__ticket_csat",
  "t152"."s__payment_days_overdue",
  "t152"."s__late_invoice_share",
  "t152"."s__nps_latest",
  "t152"."s__sentiment",
  "t152"."s__csm_rating",
  "t152"."s__referrals",
  "t152"."w__licence_utilisation",
  "t152"."w__usage_time_daily",
  "t152"."w__usage_time_weekly",
  "t152"."w__feature_adoption",
  "t152"."w__usage_trend",
  "t152"."w__new_licences",
  "t152"."w__solution_upgrade",
  "t152"."w__ticket_frequency",
  "t152"."w__ticket_csat",
  "t152"."w__payment_days_overdue",
  "t152"."w__late_invoice_share",
  "t152"."w__nps_latest",
  "t152"."w__sentiment",
  "t152"."w__csm_rating",
  "t152"."w__referrals",
  "t152"."weight_set",
  "t152"."coverage",
  "t152"."c__licence_utilisation",
  "t152"."c__usage_time_daily",
  "t152"."c__usage_time_weekly",
  "t152"."c__feature_adoption",
  "t152"."c__usage_trend",
  "t152"."c__new_licences",
  "t152"."c__solution_upgrade",
  "t152"."c__ticket_frequency",
  "t152"."c__ticket_csat",
  "t152"."c__payment_days_overdue",
  "t152"."c__late_invoice_share",
  "t152"."c__nps_latest",
  "t152"."c__sentiment",
  "t152"."c__csm_rating",
  "t152"."c__referrals",
  "t152"."weighted_score",
  "t152"."score",
  "t152"."band"
FROM (
  SELECT
    "t151"."account_id",
    "t151"."segment",
    "t151"."csm",
    "t151"."licences",
    "t151"."r__licence_utilisation",
    "t151"."r__usage_time_daily",
    "t151"."r__usage_time_weekly",
    "t151"."r__feature_adoption",
    "t151"."r__usage_trend",
    "t151"."r__new_licences",
    "t151"."r__solution_upgrade",
    "t151"."r__ticket_frequency",
    "t151"."r__ticket_csat",
    "t151"."r__payment_days_overdue",
    "t151"."r__late_invoice_share",
    "t151"."r__nps_latest",
    "t151"."r__sentiment",
    "t151"."r__csm_rating",
    "t151"."r__referrals",
    "t151"."s__licence_utilisation",
    "t151"."s__usage_time_daily",
    "t151"."s__usage_time_weekly",
    "t151"."s__feature_adoption",
    "t151"."s__usage_trend",
    "t151"."s__new_licences",
    "t151"."s__solution_upgrade",
    "t151"."s__ticket_frequency",
    "t151"."s__ticket_csat",
    "t151"."s__payment_days_overdue",
    "t151"."s__late_invoice_share",
    "t151"."s__nps_latest",
    "t151"."s__sentiment",
    "t151"."s__csm_rating",
    "t151"."s__referrals",
    "t151"."w__licence_utilisation",
    "t151"."w__usage_time_daily",
    "t151"."w__usage_time_weekly",
    "t151"."w__feature_adoption",
    "t151"."w__usage_trend",
    "t151"."w__new_licences",
    "t151"."w__solution_upgrade",
    "t151"."w__ticket_frequency",
    "t151"."w__ticket_csat",
    "t151"."w__payment_days_overdue",
    "t151"."w__late_invoice_share",
    "t151"."w__nps_latest",
    "t151"."w__sentiment",
    "t151"."w__csm_rating",
    "t151"."w__referrals",
    "t151"."weight_set",
    "t151"."coverage",
    "t151"."enough",
    "t151"."c__licence_utilisation",
    "t151"."c__usage_time_daily",
    "t151"."c__usage_time_weekly",
    "t151"."c__feature_adoption",
    "t151"."c__usage_trend",
    "t151"."c__new_licences",
    "t151"."c__solution_upgrade",
    "t151"."c__ticket_frequency",
    "t151"."c__ticket_csat",
    "t151"."c__payment_days_overdue",
    "t151"."c__late_invoice_share",
    "t151"."c__nps_latest",
    "t151"."c__sentiment",
    "t151"."c__csm_rating",
    "t151"."c__referrals",
    "t151"."weighted_score",
    "t151"."score",
    "t151"."band"
  FROM (
    SELECT
      "t150"."account_id",
      "t150"."segment",
      "t150"."csm",
      "t150"."licences",
      "t150"."r__licence_utilisation",
      "t150"."r__usage_time_daily",
      "t150"."r__usage_time_weekly",
      "t150"."r__feature_adoption",
      "t150"."r__usage_trend",
      "t150"."r__new_licences",
      "t150"."r__solution_upgrade",
      "t150"."r__ticket_frequency",
      "t150"."r__ticket_csat",
      "t150"."r__payment_days_overdue",
      "t150"."r__late_invoice_share",
      "t150"."r__nps_latest",
      "t150"."r__sentiment",
      "t150"."r__csm_rating",
      "t150"."r__referrals",
      "t150"."s__licence_utilisation",
      "t150"."s__usage_time_daily",
      "t150"."s__usage_time_weekly",
      "t150"."s__feature_adoption",
      "t150"."s__usage_trend",
      "t150"."s__new_licences",
      "t150"."s__solution_upgrade",
      "t150"."s__ticket_frequency",
      "t150"."s__ticket_csat",
      "t150"."s__payment_days_overdue",
      "t150"."s__late_invoice_share",
      "t150"."s__nps_latest",
      "t150"."s__sentiment",
      "t150"."s__csm_rating",
      "t150"."s__referrals",
      "t150"."w__licence_utilisation",
      "t150"."w__usage_time_daily",
      "t150"."w__usage_time_weekly",
      "t150"."w__feature_adoption",
      "t150"."w__usage_trend",
      "t150"."w__new_licences",
      "t150"."w__solution_upgrade",
      "t150"."w__ticket_frequency",
      "t150"."w__ticket_csat",
      "t150"."w__payment_days_overdue",
      "t150"."w__late_invoice_share",
      "t150"."w__nps_latest",
      "t150"."w__sentiment",
      "t150"."w__csm_rating",
      "t150"."w__referrals",
      "t150"."weight_set",
      "t150"."available_weight",
      "t150"."coverage",
      "t150"."enough",
      "t150"."c__licence_utilisation",
      "t150"."c__usage_time_daily",
      "t150"."c__usage_time_weekly",
      "t150"."c__feature_adoption",
      "t150"."c__usage_trend",
      "t150"."c__new_licences",
      "t150"."c__solution_upgrade",
      "t150"."c__ticket_frequency",
      "t150"."c__ticket_csat",
      "t150"."c__payment_days_overdue",
      "t150"."c__late_invoice_share",
      "t150"."c__nps_latest",
      "t150"."c__sentiment",
      "t150"."c__csm_rating",
      "t150"."c__referrals",
      "t150"."weighted_score",
      CAST(FLOOR("t150"."weighted_score" + 0.5 + 1e-09) AS BIGINT) AS "score",
      CASE
        WHEN CAST(FLOOR("t150"."weighted_score" + 0.5 + 1e-09) AS BIGINT) IS NULL
        THEN CAST(NULL AS VARCHAR)
        ELSE CASE
          WHEN CAST(FLOOR("t150"."weighted_score" + 0.5 + 1e-09) AS BIGINT) <= 50
          THEN 'unhealthy'
          WHEN CAST(FLOOR("t150"."weighted_score" + 0.5 + 1e-09) AS BIGINT) <= 79
          THEN 'neutral'
          WHEN CAST(FLOOR("t150"."weighted_score" + 0.5 + 1e-09) AS BIGINT) <= 100
          THEN 'healthy'
          ELSE CAST(NULL AS VARCHAR)
        END
      END AS "band"
    FROM (
      SELECT
        "t148"."account_id",
        "t148"."segment",
        "t148"."csm",
        "t148"."licences",
        "t148"."r__licence_utilisation",
        "t148"."r__usage_time_daily",
        "t148"."r__usage_time_weekly",
        "t148"."r__feature_adoption",
        "t148"."r__usage_trend",
        "t148"."r__new_licences",
        "t148"."r__solution_upgrade",
        "t148"."r__ticket_frequency",
        "t148"."r__ticket_csat",
        "t148"."r__payment_days_overdue",
        "t148"."r__late_invoice_share",
        "t148"."r__nps_latest",
        "t148"."r__sentiment",
        "t148"."r__csm_rating",
        "t148"."r__referrals",
        "t148"."s__licence_utilisation",
        "t148"."s__usage_time_daily",
        "t148"."s__usage_time_weekly",
        "t148"."s__feature_adoption",
        "t148"."s__usage_trend",
        "t148"."s__new_licences",
        "t148"."s__solution_upgrade",
        "t148"."s__ticket_frequency",
        "t148"."s__ticket_csat",
        "t148"."s__payment_days_overdue",
        "t148"."s__late_invoice_share",
        "t148"."s__nps_latest",
        "t148"."s__sentiment",
        "t148"."s__csm_rating",
        "t148"."s__referrals",
        "t148"."w__licence_utilisation",
        "t148"."w__usage_time_daily",
        "t148"."w__usage_time_weekly",
        "t148"."w__feature_adoption",
        "t148"."w__usage_trend",
        "t148"."w__new_licences",
        "t148"."w__solution_upgrade",
        "t148"."w__ticket_frequency",
        "t148"."w__ticket_csat",
        "t148"."w__payment_days_overdue",
        "t148"."w__late_invoice_share",
        "t148"."w__nps_latest",
        "t148"."w__sentiment",
        "t148"."w__csm_rating",
        "t148"."w__referrals",
        "t148"."weight_set",
        "t148"."available_weight",
        "t148"."coverage",
        "t148"."enough",
        "t148"."c__licence_utilisation",
        "t148"."c__usage_time_daily",
        "t148"."c__usage_time_weekly",
        "t148"."c__feature_adoption",
        "t148"."c__usage_trend",
        "t148"."c__new_licences",
        "t148"."c__solution_upgrade",
        "t148"."c__ticket_frequency",
        "t148"."c__ticket_csat",
        "t148"."c__payment_days_overdue",
        "t148"."c__late_invoice_share",
        "t148"."c__nps_latest",
        "t148"."c__sentiment",
        "t148"."c__csm_rating",
        "t148"."c__referrals",
        CASE
          WHEN "t148"."enough"
          THEN CAST('0.0' AS DOUBLE PRECISION) + COALESCE("t148"."c__licence_utilisation", CAST('0.0' AS DOUBLE PRECISION)) + COALESCE("t148"."c__usage_time_daily", CAST('0.0' AS DOUBLE PRECISION)) + COALESCE("t148"."c__usage_time_weekly", CAST('0.0' AS DOUBLE PRECISION)) + COALESCE("t148"."c__feature_adoption", CAST('0.0' AS DOUBLE PRECISION)) + COALESCE("t148"."c__usage_trend", CAST('0.0' AS DOUBLE PRECISION)) + COALESCE("t148"."c__new_licences", CAST('0.0' AS DOUBLE PRECISION)) + COALESCE("t148"."c__solution_upgrade", CAST('0.0' AS DOUBLE PRECISION)) + COALESCE("t148"."c__ticket_frequency", CAST('0.0' AS DOUBLE PRECISION)) + COALESCE("t148"."c__ticket_csat", CAST('0.0' AS DOUBLE PRECISION)) + COALESCE("t148"."c__payment_days_overdue", CAST('0.0' AS DOUBLE PRECISION)) + COALESCE("t148"."c__late_invoice_share", CAST('0.0' AS DOUBLE PRECISION)) + COALESCE("t148"."c__nps_latest", CAST('0.0' AS DOUBLE PRECISION)) + COALESCE("t148"."c__sentiment", CAST('0.0' AS DOUBLE PRECISION)) + COALESCE("t148"."c__csm_rating", CAST('0.0' AS DOUBLE PRECISION)) + COALESCE("t148"."c__referrals", CAST('0.0' AS DOUBLE PRECISION))
          ELSE CAST(NULL AS DOUBLE PRECISION)
        END AS "weighted_score"
      FROM (
        SELECT
          "t146"."account_id",
          "t146"."segment",
          "t146"."csm",
          "t146"."licences",
          "t146"."r__licence_utilisation",
          "t146"."r__usage_time_daily",
          "t146"."r__usage_time_weekly",
          "t146"."r__feature_adoption",
          "t146"."r__usage_trend",
          "t146"."r__new_licences",
          "t146"."r__solution_upgrade",
          "t146"."r__ticket_frequency",
          "t146"."r__ticket_csat",
          "t146"."r__payment_days_overdue",
          "t146"."r__late_invoice_share",
          "t146"."r__nps_latest",
          "t146"."r__sentiment",
          "t146"."r__csm_rating",
          "t146"."r__referrals",
          "t146"."s__licence_utilisation",
          "t146"."s__usage_time_daily",
          "t146"."s__usage_time_weekly",
          "t146"."s__feature_adoption",
          "t146"."s__usage_trend",
          "t146"."s__new_licences",
          "t146"."s__solution_upgrade",
          "t146"."s__ticket_frequency",
          "t146"."s__ticket_csat",
          "t146"."s__payment_days_overdue",
          "t146"."s__late_invoice_share",
          "t146"."s__nps_latest",
          "t146"."s__sentiment",
          "t146"."s__csm_rating",
          "t146"."s__referrals",
          "t146"."w__licence_utilisation",
          "t146"."w__usage_time_daily",
          "t146"."w__usage_time_weekly",
          "t146"."w__feature_adoption",
          "t146"."w__usage_trend",
          "t146"."w__new_licences",
          "t146"."w__solution_upgrade",
          "t146"."w__ticket_frequency",
          "t146"."w__ticket_csat",
          "t146"."w__payment_days_overdue",
          "t146"."w__late_invoice_share",
          "t146"."w__nps_latest",
          "t146"."w__sentiment",
          "t146"."w__csm_rating",
          "t146"."w__referrals",
          "t146"."weight_set",
          "t146"."available_weight",
          "t146"."coverage",
          (
            "t146"."available_weight" > 0
          ) AND (
            "t146"."coverage" >= 0.499999999
          ) AS "enough",
          CASE
            WHEN (
              "t146"."available_weight" > 0
            ) AND (
              "t146"."coverage" >= 0.499999999
            )
            THEN CASE
              WHEN "t146"."s__licence_utilisation" IS NOT NULL
              THEN CAST((
                "t146"."w__licence_utilisation" * "t146"."s__licence_utilisation"
              ) AS DOUBLE PRECISION) / (
                "t146"."coverage" * 100
              )
              ELSE NULL
            END
            ELSE CAST(NULL AS DOUBLE PRECISION)
          END AS "c__licence_utilisation",
          CASE
            WHEN (
              "t146"."available_weight" > 0
            ) AND (
              "t146"."coverage" >= 0.499999999
            )
            THEN CASE
              WHEN "t146"."s__usage_time_daily" IS NOT NULL
              THEN CAST((
                "t146"."w__usage_time_daily" * "t146"."s__usage_time_daily"
              ) AS DOUBLE PRECISION) / (
                "t146"."coverage" * 100
              )
              ELSE NULL
            END
            ELSE CAST(NULL AS DOUBLE PRECISION)
          END AS "c__usage_time_daily",
          CASE
            WHEN (
              "t146"."available_weight" > 0
            ) AND (
              "t146"."coverage" >= 0.499999999
            )
            THEN CASE
              WHEN "t146"."s__usage_time_weekly" IS NOT NULL
              THEN CAST((
                "t146"."w__usage_time_weekly" * "t146"."s__usage_time_weekly"
              ) AS DOUBLE PRECISION) / (
                "t146"."coverage" * 100
              )
              ELSE NULL
            END
            ELSE CAST(NULL AS DOUBLE PRECISION)
          END AS "c__usage_time_weekly",
          CASE
            WHEN (
              "t146"."available_weight" > 0
            ) AND (
              "t146"."coverage" >= 0.499999999
            )
            THEN CASE
              WHEN "t146"."s__feature_adoption" IS NOT NULL
              THEN CAST((
                "t146"."w__feature_adoption" * "t146"."s__feature_adoption"
              ) AS DOUBLE PRECISION) / (
                "t146"."coverage" * 100
              )
              ELSE NULL
            END
            ELSE CAST(NULL AS DOUBLE PRECISION)
          END AS "c__feature_adoption",
          CASE
            WHEN (
              "t146"."available_weight" > 0
            ) AND (
              "t146"."coverage" >= 0.499999999
            )
            THEN CASE
              WHEN "t146"."s__usage_trend" IS NOT NULL
              THEN CAST((
                "t146"."w__usage_trend" * "t146"."s__usage_trend"
              ) AS DOUBLE PRECISION) / (
                "t146"."coverage" * 100
              )
              ELSE NULL
            END
            ELSE CAST(NULL AS DOUBLE PRECISION)
          END AS "c__usage_trend",
          CASE
            WHEN (
              "t146"."available_weight" > 0
            ) AND (
              "t146"."coverage" >= 0.499999999
            )
            THEN CASE
              WHEN "t146"."s__new_licences" IS NOT NULL
              THEN CAST((
                "t146"."w__new_licences" * "t146"."s__new_licences"
              ) AS DOUBLE PRECISION) / (
                "t146"."coverage" * 100
              )
              ELSE NULL
            END
            ELSE CAST(NULL AS DOUBLE PRECISION)
          END AS "c__new_licences",
          CASE
            WHEN (
              "t146"."available_weight" > 0
            ) AND (
              "t146"."coverage" >= 0.499999999
            )
            THEN CASE
              WHEN "t146"."s__solution_upgrade" IS NOT NULL
              THEN CAST((
                "t146"."w__solution_upgrade" * "t146"."s__solution_upgrade"
              ) AS DOUBLE PRECISION) / (
                "t146"."coverage" * 100
              )
              ELSE NULL
            END
            ELSE CAST(NULL AS DOUBLE PRECISION)
          END AS "c__solution_upgrade",
          CASE
            WHEN (
              "t146"."available_weight" > 0
            ) AND (
              "t146"."coverage" >= 0.499999999
            )
            THEN CASE
              WHEN "t146"."s__ticket_frequency" IS NOT NULL
              THEN CAST((
                "t146"."w__ticket_frequency" * "t146"."s__ticket_frequency"
              ) AS DOUBLE PRECISION) / (
                "t146"."coverage" * 100
              )
              ELSE NULL
            END
            ELSE CAST(NULL AS DOUBLE PRECISION)
          END AS "c__ticket_frequency",
          CASE
            WHEN (
              "t146"."available_weight" > 0
            ) AND (
              "t146"."coverage" >= 0.499999999
            )
            THEN CASE
              WHEN "t146"."s__ticket_csat" IS NOT NULL
              THEN CAST((
                "t146"."w__ticket_csat" * "t146"."s__ticket_csat"
              ) AS DOUBLE PRECISION) / (
                "t146"."coverage" * 100
              )
              ELSE NULL
            END
            ELSE CAST(NULL AS DOUBLE PRECISION)
          END AS "c__ticket_csat",
          CASE
            WHEN (
              "t146"."available_weight" > 0
            ) AND (
              "t146"."coverage" >= 0.499999999
            )
            THEN CASE
              WHEN "t146"."s__payment_days_overdue" IS NOT NULL
              THEN CAST((
                "t146"."w__payment_days_overdue" * "t146"."s__payment_days_overdue"
              ) AS DOUBLE PRECISION) / (
                "t146"."coverage" * 100
              )
              ELSE NULL
            END
            ELSE CAST(NULL AS DOUBLE PRECISION)
          END AS "c__payment_days_overdue",
          CASE
            WHEN (
              "t146"."available_weight" > 0
            ) AND (
              "t146"."coverage" >= 0.499999999
            )
            THEN CASE
              WHEN "t146"."s__late_invoice_share" IS NOT NULL
              THEN CAST((
                "t146"."w__late_invoice_share" * "t146"."s__late_invoice_share"
              ) AS DOUBLE PRECISION) / (
                "t146"."coverage" * 100
              )
              ELSE NULL
            END
            ELSE CAST(NULL AS DOUBLE PRECISION)
          END AS "c__late_invoice_share",
          CASE
            WHEN (
              "t146"."available_weight" > 0
            ) AND (
              "t146"."coverage" >= 0.499999999
            )
            THEN CASE
              WHEN "t146"."s__nps_latest" IS NOT NULL
              THEN CAST((
                "t146"."w__nps_latest" * "t146"."s__nps_latest"
              ) AS DOUBLE PRECISION) / (
                "t146"."coverage" * 100
              )
              ELSE NULL
            END
            ELSE CAST(NULL AS DOUBLE PRECISION)
          END AS "c__nps_latest",
          CASE
            WHEN (
              "t146"."available_weight" > 0
            ) AND (
              "t146"."coverage" >= 0.499999999
            )
            THEN CASE
              WHEN "t146"."s__sentiment" IS NOT NULL
              THEN CAST((
                "t146"."w__sentiment" * "t146"."s__sentiment"
              ) AS DOUBLE PRECISION) / (
                "t146"."coverage" * 100
              )
              ELSE NULL
            END
            ELSE CAST(NULL AS DOUBLE PRECISION)
          END AS "c__sentiment",
          CASE
            WHEN (
              "t146"."available_weight" > 0
            ) AND (
              "t146"."coverage" >= 0.499999999
            )
            THEN CASE
              WHEN "t146"."s__csm_rating" IS NOT NULL
              THEN CAST((
                "t146"."w__csm_rating" * "t146"."s__csm_rating"
              ) AS DOUBLE PRECISION) / (
                "t146"."coverage" * 100
              )
              ELSE NULL
            END
            ELSE CAST(NULL AS DOUBLE PRECISION)
          END AS "c__csm_rating",
          CASE
            WHEN (
              "t146"."available_weight" > 0
            ) AND (
              "t146"."coverage" >= 0.499999999
            )
            THEN CASE
              WHEN "t146"."s__referrals" IS NOT NULL
              THEN CAST((
                "t146"."w__referrals" * "t146"."s__referrals"
              ) AS DOUBLE PRECISION) / (
                "t146"."coverage" * 100
              )
              ELSE NULL
            END
            ELSE CAST(NULL AS DOUBLE PRECISION)
          END AS "c__referrals"
        FROM (
          SELECT
            "t144"."account_id",
            "t144"."segment",
            "t144"."csm",
            "t144"."licences",
            "t144"."r__licence_utilisation",
            "t144"."r__usage_time_daily",
            "t144"."r__usage_time_weekly",
            "t144"."r__feature_adoption",
            "t144"."r__usage_trend",
            "t144"."r__new_licences",
            "t144"."r__solution_upgrade",
            "t144"."r__ticket_frequency",
            "t144"."r__ticket_csat",
            "t144"."r__payment_days_overdue",
            "t144"."r__late_invoice_share",
            "t144"."r__nps_latest",
            "t144"."r__sentiment",
            "t144"."r__csm_rating",
            "t144"."r__referrals",
            "t144"."s__licence_utilisation",
            "t144"."s__usage_time_daily",
            "t144"."s__usage_time_weekly",
            "t144"."s__feature_adoption",
            "t144"."s__usage_trend",
            "t144"."s__new_licences",
            "t144"."s__solution_upgrade",
            "t144"."s__ticket_frequency",
            "t144"."s__ticket_csat",
            "t144"."s__payment_days_overdue",
            "t144"."s__late_invoice_share",
            "t144"."s__nps_latest",
            "t144"."s__sentiment",
            "t144"."s__csm_rating",
            "t144"."s__referrals",
            "t144"."w__licence_utilisation",
            "t144"."w__usage_time_daily",
            "t144"."w__usage_time_weekly",
            "t144"."w__feature_adoption",
            "t144"."w__usage_trend",
            "t144"."w__new_licences",
            "t144"."w__solution_upgrade",
            "t144"."w__ticket_frequency",
            "t144"."w__ticket_csat",
            "t144"."w__payment_days_overdue",
            "t144"."w__late_invoice_share",
            "t144"."w__nps_latest",
            "t144"."w__sentiment",
            "t144"."w__csm_rating",
            "t144"."w__referrals",
            "t144"."weight_set",
            "t144"."available_weight",
            CAST("t144"."available_weight" AS DOUBLE PRECISION) / 100 AS "coverage"
          FROM (
            SELECT
              "t142"."account_id",
              "t142"."segment",
              "t142"."csm",
              "t142"."licences",
              "t142"."r__licence_utilisation",
              "t142"."r__usage_time_daily",
              "t142"."r__usage_time_weekly",
              "t142"."r__feature_adoption",
              "t142"."r__usage_trend",
              "t142"."r__new_licences",
              "t142"."r__solution_upgrade",
              "t142"."r__ticket_frequency",
              "t142"."r__ticket_csat",
              "t142"."r__payment_days_overdue",
              "t142"."r__late_invoice_share",
              "t142"."r__nps_latest",
              "t142"."r__sentiment",
              "t142"."r__csm_rating",
              "t142"."r__referrals",
              "t142"."s__licence_utilisation",
              "t142"."s__usage_time_daily",
              "t142"."s__usage_time_weekly",
              "t142"."s__feature_adoption",
              "t142"."s__usage_trend",
              "t142"."s__new_licences",
              "t142"."s__solution_upgrade",
              "t142"."s__ticket_frequency",
              "t142"."s__ticket_csat",
              "t142"."s__payment_days_overdue",
              "t142"."s__late_invoice_share",
              "t142"."s__nps_latest",
              "t142"."s__sentiment",
              "t142"."s__csm_rating",
              "t142"."s__referrals",
              "t142"."w__licence_utilisation",
              "t142"."w__usage_time_daily",
              "t142"."w__usage_time_weekly",
              "t142"."w__feature_adoption",
              "t142"."w__usage_trend",
              "t142"."w__new_licences",
              "t142"."w__solution_upgrade",
              "t142"."w__ticket_frequency",
              "t142"."w__ticket_csat",
              "t142"."w__payment_days_overdue",
              "t142"."w__late_invoice_share",
              "t142"."w__nps_latest",
              "t142"."w__sentiment",
              "t142"."w__csm_rating",
              "t142"."w__referrals",
              "t142"."weight_set",
              CAST('0.0' AS DOUBLE PRECISION) + CASE
                WHEN "t142"."s__licence_utilisation" IS NOT NULL
                THEN "t142"."w__licence_utilisation"
                ELSE CAST('0.0' AS DOUBLE PRECISION)
              END + CASE
                WHEN "t142"."s__usage_time_daily" IS NOT NULL
                THEN "t142"."w__usage_time_daily"
                ELSE CAST('0.0' AS DOUBLE PRECISION)
              END + CASE
                WHEN "t142"."s__usage_time_weekly" IS NOT NULL
                THEN "t142"."w__usage_time_weekly"
                ELSE CAST('0.0' AS DOUBLE PRECISION)
              END + CASE
                WHEN "t142"."s__feature_adoption" IS NOT NULL
                THEN "t142"."w__feature_adoption"
                ELSE CAST('0.0' AS DOUBLE PRECISION)
              END + CASE
                WHEN "t142"."s__usage_trend" IS NOT NULL
                THEN "t142"."w__usage_trend"
                ELSE CAST('0.0' AS DOUBLE PRECISION)
              END + CASE
                WHEN "t142"."s__new_licences" IS NOT NULL
                THEN "t142"."w__new_licences"
                ELSE CAST('0.0' AS DOUBLE PRECISION)
              END + CASE
                WHEN "t142"."s__solution_upgrade" IS NOT NULL
                THEN "t142"."w__solution_upgrade"
                ELSE CAST('0.0' AS DOUBLE PRECISION)
              END + CASE
                WHEN "t142"."s__ticket_frequency" IS NOT NULL
                THEN "t142"."w__ticket_frequency"
                ELSE CAST('0.0' AS DOUBLE PRECISION)
              END + CASE
                WHEN "t142"."s__ticket_csat" IS NOT NULL
                THEN "t142"."w__ticket_csat"
                ELSE CAST('0.0' AS DOUBLE PRECISION)
              END + CASE
                WHEN "t142"."s__payment_days_overdue" IS NOT NULL
                THEN "t142"."w__payment_days_overdue"
                ELSE CAST('0.0' AS DOUBLE PRECISION)
              END + CASE
                WHEN "t142"."s__late_invoice_share" IS NOT NULL
                THEN "t142"."w__late_invoice_share"
                ELSE CAST('0.0' AS DOUBLE PRECISION)
              END + CASE
                WHEN "t142"."s__nps_latest" IS NOT NULL
                THEN "t142"."w__nps_latest"
                ELSE CAST('0.0' AS DOUBLE PRECISION)
              END + CASE
                WHEN "t142"."s__sentiment" IS NOT NULL
                THEN "t142"."w__sentiment"
                ELSE CAST('0.0' AS DOUBLE PRECISION)
              END + CASE
                WHEN "t142"."s__csm_rating" IS NOT NULL
                THEN "t142"."w__csm_rating"
                ELSE CAST('0.0' AS DOUBLE PRECISION)
              END + CASE
                WHEN "t142"."s__referrals" IS NOT NULL
                THEN "t142"."w__referrals"
                ELSE CAST('0.0' AS DOUBLE PRECISION)
              END AS "available_weight"
            FROM (
              SELECT
                "t140"."account_id",
                "t140"."segment",
                "t140"."csm",
                "t140"."licences",
                "t140"."r__licence_utilisation",
                "t140"."r__usage_time_daily",
                "t140"."r__usage_time_weekly",
                "t140"."r__feature_adoption",
                "t140"."r__usage_trend",
                "t140"."r__new_licences",
                "t140"."r__solution_upgrade",
                "t140"."r__ticket_frequency",
                "t140"."r__ticket_csat",
                "t140"."r__payment_days_overdue",
                "t140"."r__late_invoice_share",
                "t140"."r__nps_latest",
                "t140"."r__sentiment",
                "t140"."r__csm_rating",
                "t140"."r__referrals",
                CASE
                  WHEN "t140"."r__licence_utilisation" IS NULL
                  THEN CAST(NULL AS DOUBLE PRECISION)
                  ELSE CASE
                    WHEN "t140"."r__licence_utilisation" <= 0.0
                    THEN CAST('0.0' AS DOUBLE PRECISION)
                    WHEN "t140"."r__licence_utilisation" < 0.8
                    THEN (
                      CAST((
                        (
                          "t140"."r__licence_utilisation" - 0.0
                        ) * 100.0
                      ) AS DOUBLE PRECISION) / 0.8
                    ) + 0.0
                    ELSE CAST('100.0' AS DOUBLE PRECISION)
                  END
                END AS "s__licence_utilisation",
                CASE
                  WHEN "t140"."r__usage_time_daily" IS NULL
                  THEN CAST(NULL AS DOUBLE PRECISION)
                  ELSE CASE
                    WHEN "t140"."r__usage_time_daily" <= 0.0
                    THEN CAST('0.0' AS DOUBLE PRECISION)
                    WHEN "t140"."r__usage_time_daily" < 30.0
                    THEN (
                      CAST((
                        (
                          "t140"."r__usage_time_daily" - 0.0
                        ) * 100.0
                      ) AS DOUBLE PRECISION) / 30.0
                    ) + 0.0
                    ELSE CAST('100.0' AS DOUBLE PRECISION)
                  END
                END AS "s__usage_time_daily",
                CASE
                  WHEN "t140"."r__usage_time_weekly" IS NULL
                  THEN CAST(NULL AS DOUBLE PRECISION)
                  ELSE "t140"."pct__usage_time_weekly"
                END AS "s__usage_time_weekly",
                CASE
                  WHEN "t140"."r__feature_adoption" IS NULL
                  THEN CAST(NULL AS DOUBLE PRECISION)
                  ELSE CASE
                    WHEN "t140"."r__feature_adoption" <= 0.0
                    THEN CAST('0.0' AS DOUBLE PRECISION)
                    WHEN "t140"."r__feature_adoption" < 0.6
                    THEN (
                      CAST((
                        (
                          "t140"."r__feature_adoption" - 0.0
                        ) * 100.0
                      ) AS DOUBLE PRECISION) / 0.6
                    ) + 0.0
                    ELSE CAST('100.0' AS DOUBLE PRECISION)
                  END
                END AS "s__feature_adoption",
                CASE
                  WHEN "t140"."r__usage_trend" IS NULL
                  THEN CAST(NULL AS DOUBLE PRECISION)
                  ELSE CASE
                    WHEN "t140"."r__usage_trend" <= -0.5
                    THEN CAST('0.0' AS DOUBLE PRECISION)
                    WHEN "t140"."r__usage_trend" < 0.0
                    THEN (
                      CAST((
                        (
                          "t140"."r__usage_trend" - -0.5
                        ) * 60.0
                      ) AS DOUBLE PRECISION) / 0.5
                    ) + 0.0
                    WHEN "t140"."r__usage_trend" < 0.2
                    THEN (
                      CAST((
                        (
                          "t140"."r__usage_trend" - 0.0
                        ) * 40.0
                      ) AS DOUBLE PRECISION) / 0.2
                    ) + 60.0
                    ELSE CAST('100.0' AS DOUBLE PRECISION)
                  END
                END AS "s__usage_trend",
                CASE
                  WHEN "t140"."r__new_licences" IS NULL
                  THEN CAST(NULL AS DOUBLE PRECISION)
                  ELSE CASE
                    WHEN "t140"."r__new_licences" >= 1.0
                    THEN CAST('100.0' AS DOUBLE PRECISION)
                    WHEN "t140"."r__new_licences" >= 0.0
                    THEN CAST('60.0' AS DOUBLE PRECISION)
                    ELSE CAST('20.0' AS DOUBLE PRECISION)
                  END
                END AS "s__new_licences",
                CASE
                  WHEN "t140"."r__solution_upgrade" IS NULL
                  THEN CAST(NULL AS DOUBLE PRECISION)
                  ELSE CASE
                    WHEN "t140"."r__solution_upgrade" <> 0
                    THEN CAST('100.0' AS DOUBLE PRECISION)
                    ELSE CAST('60.0' AS DOUBLE PRECISION)
                  END
                END AS "s__solution_upgrade",
                CASE
                  WHEN "t140"."r__ticket_frequency" IS NULL
                  THEN CAST(NULL AS DOUBLE PRECISION)
                  ELSE CASE
                    WHEN "t140"."r__ticket_frequency" >= 10.0
                    THEN CAST('0.0' AS DOUBLE PRECISION)
                    WHEN "t140"."r__ticket_frequency" >= 6.0
                    THEN CAST('30.0' AS DOUBLE PRECISION)
                    WHEN "t140"."r__ticket_frequency" >= 3.0
                    THEN CAST('70.0' AS DOUBLE PRECISION)
                    WHEN "t140"."r__ticket_frequency" >= 0.0
                    THEN CAST('100.0' AS DOUBLE PRECISION)
                    ELSE CAST('0.0' AS DOUBLE PRECISION)
                  END
                END AS "s__ticket_frequency",
                CASE
                  WHEN "t140"."r__ticket_csat" IS NULL
                  THEN CAST(NULL AS DOUBLE PRECISION)
                  ELSE CASE
                    WHEN "t140"."r__ticket_csat" <= 1.0
                    THEN CAST('0.0' AS DOUBLE PRECISION)
                    WHEN "t140"."r__ticket_csat" < 3.0
                    THEN (
                      CAST((
                        (
                          "t140"."r__ticket_csat" - 1.0
                        ) * 50.0
                      ) AS DOUBLE PRECISION) / 2.0
                    ) + 0.0
                    WHEN "t140"."r__ticket_csat" < 5.0
                    THEN (
                      CAST((
                        (
                          "t140"."r__ticket_csat" - 3.0
                        ) * 50.0
                      ) AS DOUBLE PRECISION) / 2.0
                    ) + 50.0
                    ELSE CAST('100.0' AS DOUBLE PRECISION)
                  END
                END AS "s__ticket_csat",
                CASE
                  WHEN "t140"."r__payment_days_overdue" IS NULL
                  THEN CAST(NULL AS DOUBLE PRECISION)
                  ELSE CASE
                    WHEN "t140"."r__payment_days_overdue" <= 0.0
                    THEN CAST('100.0' AS DOUBLE PRECISION)
                    WHEN "t140"."r__payment_days_overdue" < 30.0
                    THEN (
                      CAST((
                        (
                          "t140"."r__payment_days_overdue" - 0.0
                        ) * -60.0
                      ) AS DOUBLE PRECISION) / 30.0
                    ) + 100.0
                    WHEN "t140"."r__payment_days_overdue" < 60.0
                    THEN (
                      CAST((
                        (
                          "t140"."r__payment_days_overdue" - 30.0
                        ) * -40.0
                      ) AS DOUBLE PRECISION) / 30.0
                    ) + 40.0
                    ELSE CAST('0.0' AS DOUBLE PRECISION)
                  END
                END AS "s__payment_days_overdue",
                CASE
                  WHEN "t140"."r__late_invoice_share" IS NULL
                  THEN CAST(NULL AS DOUBLE PRECISION)
                  ELSE CASE
                    WHEN "t140"."r__late_invoice_share" <= 0.0
                    THEN CAST('100.0' AS DOUBLE PRECISION)
                    WHEN "t140"."r__late_invoice_share" < 0.5
                    THEN (
                      CAST((
                        (
                          "t140"."r__late_invoice_share" - 0.0
                        ) * -100.0
                      ) AS DOUBLE PRECISION) / 0.5
                    ) + 100.0
                    ELSE CAST('0.0' AS DOUBLE PRECISION)
                  END
                END AS "s__late_invoice_share",
                CASE
                  WHEN "t140"."r__nps_latest" IS NULL
                  THEN CAST(NULL AS DOUBLE PRECISION)
                  ELSE CASE
                    WHEN "t140"."r__nps_latest" <= 0.0
                    THEN CAST('0.0' AS DOUBLE PRECISION)
                    WHEN "t140"."r__nps_latest" < 6.0
                    THEN (
                      CAST((
                        (
                          "t140"."r__nps_latest" - 0.0
                        ) * 30.0
                      ) AS DOUBLE PRECISION) / 6.0
                    ) + 0.0
                    WHEN "t140"."r__nps_latest" < 8.0
                    THEN (
                      CAST((
                        (
                          "t140"."r__nps_latest" - 6.0
                        ) * 40.0
                      ) AS DOUBLE PRECISION) / 2.0
                    ) + 30.0
                    WHEN "t140"."r__nps_latest" < 10.0
                    THEN (
                      CAST((
                        (
                          "t140"."r__nps_latest" - 8.0
                        ) * 30.0
                      ) AS DOUBLE PRECISION) / 2.0
                    ) + 70.0
                    ELSE CAST('100.0' AS DOUBLE PRECISION)
                  END
                END AS "s__nps_latest",
                CASE
                  WHEN "t140"."r__sentiment" IS NULL
                  THEN CAST(NULL AS DOUBLE PRECISION)
                  ELSE CASE
                    WHEN "t140"."r__sentiment" <= -1.0
                    THEN CAST('0.0' AS DOUBLE PRECISION)
                    WHEN "t140"."r__sentiment" < 0.0
                    THEN (
                      CAST((
                        (
                          "t140"."r__sentiment" - -1.0
                        ) * 50.0
                      ) AS DOUBLE PRECISION) / 1.0
                    ) + 0.0
                    WHEN "t140"."r__sentiment" < 1.0
                    THEN (
                      CAST((
                        (
                          "t140"."r__sentiment" - 0.0
                        ) * 50.0
                      ) AS DOUBLE PRECISION) / 1.0
                    ) + 50.0
                    ELSE CAST('100.0' AS DOUBLE PRECISION)
                  END
                END AS "s__sentiment",
                CASE
                  WHEN "t140"."r__csm_rating" IS NULL
                  THEN CAST(NULL AS DOUBLE PRECISION)
                  ELSE CASE
                    WHEN "t140"."r__csm_rating" <= 1.0
                    THEN CAST('0.0' AS DOUBLE PRECISION)
                    WHEN "t140"."r__csm_rating" < 5.0
                    THEN (
                      CAST((
                        (
                          "t140"."r__csm_rating" - 1.0
                        ) * 100.0
                      ) AS DOUBLE PRECISION) / 4.0
                    ) + 0.0
                    ELSE CAST('100.0' AS DOUBLE PRECISION)
                  END
                END AS "s__csm_rating",
                CASE
                  WHEN "t140"."r__referrals" IS NULL
                  THEN CAST(NULL AS DOUBLE PRECISION)
                  ELSE CASE
                    WHEN "t140"."r__referrals" <> 0
                    THEN CAST('100.0' AS DOUBLE PRECISION)
                    ELSE CAST('50.0' AS DOUBLE PRECISION)
                  END
                END AS "s__referrals",
                CASE
                  WHEN CASE WHEN LOWER("t140"."segment") = 'enterprise' THEN 1 ELSE 0 END = 1
                  THEN CAST('17.699115044247787' AS DOUBLE PRECISION)
                  ELSE CAST('14.285714285714286' AS DOUBLE PRECISION)
                END AS "w__licence_utilisation",
                CASE
                  WHEN CASE WHEN LOWER("t140"."segment") = 'enterprise' THEN 1 ELSE 0 END = 1
                  THEN CAST('2.6548672566371683' AS DOUBLE PRECISION)
                  ELSE CAST('4.761904761904762' AS DOUBLE PRECISION)
                END AS "w__usage_time_daily",
                CASE
                  WHEN CASE WHEN LOWER("t140"."segment") = 'enterprise' THEN 1 ELSE 0 END = 1
                  THEN CAST('4.424778761061947' AS DOUBLE PRECISION)
                  ELSE CAST('4.761904761904762' AS DOUBLE PRECISION)
                END AS "w__usage_time_weekly",
                CASE
                  WHEN CASE WHEN LOWER("t140"."segment") = 'enterprise' THEN 1 ELSE 0 END = 1
                  THEN CAST('8.849557522123893' AS DOUBLE PRECISION)
                  ELSE CAST('9.523809523809524' AS DOUBLE PRECISION)
                END AS "w__feature_adoption",
                CASE
                  WHEN CASE WHEN LOWER("t140"."segment") = 'enterprise' THEN 1 ELSE 0 END = 1
                  THEN CAST('8.849557522123893' AS DOUBLE PRECISION)
                  ELSE CAST('9.523809523809524' AS DOUBLE PRECISION)
                END AS "w__usage_trend",
                CASE
                  WHEN CASE WHEN LOWER("t140"."segment") = 'enterprise' THEN 1 ELSE 0 END = 1
                  THEN CAST('2.6548672566371683' AS DOUBLE PRECISION)
                  ELSE CAST('2.857142857142857' AS DOUBLE PRECISION)
                END AS "w__new_licences",
                CASE
                  WHEN CASE WHEN LOWER("t140"."segment") = 'enterprise' THEN 1 ELSE 0 END = 1
                  THEN CAST('1.7699115044247788' AS DOUBLE PRECISION)
                  ELSE CAST('1.9047619047619047' AS DOUBLE PRECISION)
                END AS "w__solution_upgrade",
                CASE
                  WHEN CASE WHEN LOWER("t140"."segment") = 'enterprise' THEN 1 ELSE 0 END = 1
                  THEN CAST('7.079646017699115' AS DOUBLE PRECISION)
                  ELSE CAST('7.619047619047619' AS DOUBLE PRECISION)
                END AS "w__ticket_frequency",
                CASE
                  WHEN CASE WHEN LOWER("t140"."segment") = 'enterprise' THEN 1 ELSE 0 END = 1
                  THEN CAST('6.1946902654867255' AS DOUBLE PRECISION)
                  ELSE CAST('6.666666666666667' AS DOUBLE PRECISION)
                END AS "w__ticket_csat",
                CASE
                  WHEN CASE WHEN LOWER("t140"."segment") = 'enterprise' THEN 1 ELSE 0 END = 1
                  THEN CAST('8.849557522123893' AS DOUBLE PRECISION)
                  ELSE CAST('9.523809523809524' AS DOUBLE PRECISION)
                END AS "w__payment_days_overdue",
                CASE
                  WHEN CASE WHEN LOWER("t140"."segment") = 'enterprise' THEN 1 ELSE 0 END = 1
                  THEN CAST('4.424778761061947' AS DOUBLE PRECISION)
                  ELSE CAST('4.761904761904762' AS DOUBLE PRECISION)
                END AS "w__late_invoice_share",
                CASE
                  WHEN CASE WHEN LOWER("t140"."segment") = 'enterprise' THEN 1 ELSE 0 END = 1
                  THEN CAST('8.849557522123893' AS DOUBLE PRECISION)
                  ELSE CAST('9.523809523809524' AS DOUBLE PRECISION)
                END AS "w__nps_latest",
                CASE
                  WHEN CASE WHEN LOWER("t140"."segment") = 'enterprise' THEN 1 ELSE 0 END = 1
                  THEN CAST('4.424778761061947' AS DOUBLE PRECISION)
                  ELSE CAST('4.761904761904762' AS DOUBLE PRECISION)
                END AS "w__sentiment",
                CASE
                  WHEN CASE WHEN LOWER("t140"."segment") = 'enterprise' THEN 1 ELSE 0 END = 1
                  THEN CAST('10.619469026548673' AS DOUBLE PRECISION)
                  ELSE CAST('6.666666666666667' AS DOUBLE PRECISION)
                END AS "w__csm_rating",
                CASE
                  WHEN CASE WHEN LOWER("t140"."segment") = 'enterprise' THEN 1 ELSE 0 END = 1
                  THEN CAST('2.6548672566371683' AS DOUBLE PRECISION)
                  ELSE CAST('2.857142857142857' AS DOUBLE PRECISION)
                END AS "w__referrals",
                CASE WHEN LOWER("t140"."segment") = 'enterprise' THEN 1 ELSE 0 END AS "weight_set"
              FROM (
                SELECT
                  "t135"."account_id",
                  "t135"."segment",
                  "t135"."csm",
                  "t135"."licences",
                  "t135"."r__licence_utilisation",
                  "t135"."r__usage_time_daily",
                  "t135"."r__usage_time_weekly",
                  "t135"."r__feature_adoption",
                  "t135"."r__usage_trend",
                  "t135"."r__new_licences",
                  "t135"."r__solution_upgrade",
                  "t135"."r__ticket_frequency",
                  "t135"."r__ticket_csat",
                  "t135"."r__payment_days_overdue",
                  "t135"."r__late_invoice_share",
                  "t135"."r__nps_latest",
                  "t135"."r__sentiment",
                  "t135"."r__csm_rating",
                  "t135"."r__referrals",
                  "t139"."pct__usage_time_weekly"
                FROM "measure_values" AS "t135"
                LEFT OUTER JOIN (
                  SELECT
                    "t137"."account",
                    MAX(
                      CASE
                        WHEN "t137"."measure" = 0
                        THEN CASE
                          WHEN "t137"."alone"
                          THEN CAST('50.0' AS DOUBLE PRECISION)
                          ELSE "t137"."rank" * 100
                        END
                        ELSE CAST(NULL AS DOUBLE PRECISION)
                      END
                    ) AS "pct__usage_time_weekly"
                  FROM (
                    SELECT
                      "t136"."account",
                      "t136"."measure",
                      PERCENT_RANK() OVER (
                        PARTITION BY "t136"."measure", "t136"."peer"
                        ORDER BY "t136"."value" ASC
                        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                      ) AS "rank",
                      COUNT("t136"."value") OVER (
                        PARTITION BY "t136"."measure", "t136"."peer"
                        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                      ) <= 1 AS "alone"
                    FROM (
                      SELECT
                        "t134"."account_id" AS "account",
                        COALESCE(LOWER("t134"."segment"), '') AS "peer",
                        0 AS "measure",
                        "t134"."r__usage_time_weekly" AS "value"
                      FROM "measure_values" AS "t134"
                      WHERE
                        "t134"."r__usage_time_weekly" IS NOT NULL
                    ) AS "t136"
                  ) AS "t137"
                  GROUP BY
                    1
                ) AS "t139"
                  ON "t135"."account_id" = "t139"."account"
              ) AS "t140"
            ) AS "t142"
          ) AS "t144"
        ) AS "t146"
      ) AS "t148"
    ) AS "t150"
  ) AS "t151"
) AS "t152";

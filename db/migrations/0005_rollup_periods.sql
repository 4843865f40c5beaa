CREATE TABLE "rollup_h3_monthly_total" (
	"res" smallint NOT NULL,
	"month" date NOT NULL,
	"cell" text NOT NULL,
	"district_code" text NOT NULL,
	"tickets" integer NOT NULL,
	CONSTRAINT "rollup_h3_monthly_total_pk" PRIMARY KEY("res","month","cell","district_code")
);
--> statement-breakpoint
CREATE TABLE "rollup_h3_weekly_total" (
	"res" smallint NOT NULL,
	"week" date NOT NULL,
	"cell" text NOT NULL,
	"district_code" text NOT NULL,
	"tickets" integer NOT NULL,
	CONSTRAINT "rollup_h3_weekly_total_pk" PRIMARY KEY("res","week","cell","district_code")
);

CREATE TABLE "ranking_month_counts" (
	"tbl" text NOT NULL,
	"time_zone" text NOT NULL,
	"month" text NOT NULL,
	"unit" text NOT NULL,
	"volume" integer NOT NULL,
	"dispatched" integer NOT NULL,
	"responded_in_time" integer NOT NULL,
	"called_back" integer NOT NULL,
	"solved" integer NOT NULL,
	"satisfied" integer NOT NULL,
	"basic" integer NOT NULL,
	"dissatisfied" integer NOT NULL,
	"unjustified_returns" integer NOT NULL,
	CONSTRAINT "ranking_month_counts_pk" PRIMARY KEY("tbl","time_zone","month","unit")
);
--> statement-breakpoint
CREATE TABLE "ranking_months" (
	"tbl" text NOT NULL,
	"time_zone" text NOT NULL,
	"month" text NOT NULL,
	"period_from" timestamp with time zone NOT NULL,
	"period_to" timestamp with time zone NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ranking_months_pk" PRIMARY KEY("tbl","time_zone","month")
);
--> statement-breakpoint
CREATE TABLE "ranking_rollup_state" (
	"id" integer PRIMARY KEY NOT NULL,
	"epoch" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ranking_month_counts" ADD CONSTRAINT "ranking_month_counts_month_fk" FOREIGN KEY ("tbl","time_zone","month") REFERENCES "public"."ranking_months"("tbl","time_zone","month") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ranking_months_period_idx" ON "ranking_months" USING btree ("period_from","period_to");
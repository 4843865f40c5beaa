CREATE TABLE "region_adjacency" (
	"level" text NOT NULL,
	"code" text NOT NULL,
	"neighbour_code" text NOT NULL,
	"shared_metres" double precision NOT NULL,
	CONSTRAINT "region_adjacency_pk" PRIMARY KEY("level","code","neighbour_code")
);
--> statement-breakpoint
CREATE TABLE "region_adjacency_built" (
	"level" text PRIMARY KEY NOT NULL,
	"built_at" timestamp with time zone DEFAULT now() NOT NULL,
	"regions" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rollup_h3_cells" (
	"res" smallint NOT NULL,
	"cell" text NOT NULL,
	"district_code" text NOT NULL,
	"first_day" date NOT NULL,
	"last_day" date NOT NULL,
	"tickets" integer NOT NULL,
	CONSTRAINT "rollup_h3_cells_pk" PRIMARY KEY("res","cell","district_code")
);
--> statement-breakpoint
CREATE TABLE "rollup_h3_daily" (
	"res" smallint NOT NULL,
	"category_code" text NOT NULL,
	"day" date NOT NULL,
	"cell" text NOT NULL,
	"district_code" text NOT NULL,
	"tickets" integer NOT NULL,
	CONSTRAINT "rollup_h3_daily_pk" PRIMARY KEY("res","category_code","day","cell","district_code")
);
--> statement-breakpoint
CREATE TABLE "rollup_h3_daily_total" (
	"res" smallint NOT NULL,
	"day" date NOT NULL,
	"cell" text NOT NULL,
	"district_code" text NOT NULL,
	"tickets" integer NOT NULL,
	CONSTRAINT "rollup_h3_daily_total_pk" PRIMARY KEY("res","day","cell","district_code")
);
--> statement-breakpoint
CREATE TABLE "rollup_region_daily" (
	"level" text NOT NULL,
	"category_code" text NOT NULL,
	"day" date NOT NULL,
	"region_code" text NOT NULL,
	"tickets" integer NOT NULL,
	"called_back" integer NOT NULL,
	"solved" integer NOT NULL,
	"satisfied" integer NOT NULL,
	"basic" integer NOT NULL,
	"repeats" integer NOT NULL,
	CONSTRAINT "rollup_region_daily_pk" PRIMARY KEY("level","category_code","day","region_code")
);
--> statement-breakpoint
CREATE INDEX "rollup_region_daily_day_idx" ON "rollup_region_daily" USING btree ("level","day");
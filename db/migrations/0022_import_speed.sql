-- Reserved for import_speed: filled by the work that needs it.
SELECT 1;

-- Reserved for governance: filled by the work that needs it.
SELECT 1;

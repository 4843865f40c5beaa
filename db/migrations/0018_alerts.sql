-- Reserved for alerts: filled by the work that needs it.
SELECT 1;

-- Reserved for open311: filled by the work that needs it.
SELECT 1;

-- Reserved for scale: filled by the work that needs it.
SELECT 1;

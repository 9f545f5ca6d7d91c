"""Known scripts for the speech tests: interview answers and an interviewer line."""

from __future__ import annotations

ANSWERS = (
    "I was in charge of moving our billing system to a new database. We went live on a Sunday "
    "night with no downtime. Support tickets about invoices fell by half in two months.",
    "In my last job I managed a team of five engineers. We shipped the mobile app two weeks "
    "early, and our customers were very happy with the result.",
    "My biggest weakness is that I take on too much work. I have learned to delegate tasks "
    "and to say no when my plate is full.",
)
INTERVIEWER_LINE = (
    "Thanks for coming in today. Tell me about a time you had to meet a tight deadline. "
    "What did you do?"
)

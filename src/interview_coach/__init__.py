"""Interview Coach: practise job interviews by voice with an AI interviewer."""

__version__ = "0.1.0"

"""The interview domain: lifecycle, transcripts and queries, shared by web and realtime."""

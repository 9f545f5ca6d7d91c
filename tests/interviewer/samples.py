"""Fixed job postings and resumes the planner and dialogue tests read."""

from __future__ import annotations

PLATFORM_POSTING = """Senior Platform Engineer

About us:
At Acme Payments we move money for ten thousand shops. Free lunch and a gym.

Responsibilities:
- Design and operate our payment APIs on Kubernetes
- Own the CI/CD pipeline and on-call rotation
- Mentor two junior engineers

Requirements:
- 5+ years of experience with Python and PostgreSQL
- Experience with Kubernetes in production
- Strong written communication skills
- Familiarity with Terraform and AWS

Benefits:
- 30 days of holiday
"""

PLATFORM_RESUME = """Jordan Lee
Backend Engineer, Globex Corporation, 2019 – present
- Led the billing migration from MySQL to PostgreSQL, cutting costs by 30%
- Built a real-time fraud detection service in Go
Software Developer at Initech (2016–2019)
- Automated the release process with Jenkins
Skills: Python, Go, PostgreSQL, Docker, Kafka
Education
BSc Computer Science, University of Leeds, 2016
"""

NURSE_POSTING = """Charge Nurse, Cardiology Ward

What you will do
• Coordinate a team of eight nurses on each shift
• Manage patient flow with the bed management team

What we are looking for
• Registered nurse with NMC registration
• Experience in acute cardiac care
• Calm leadership under pressure
"""

NURSE_RESUME = """Priya Patel, RN
Staff Nurse — St Mary's Hospital — 2018–2024
• Introduced a falls-prevention checklist adopted across three wards
• Trained twelve new starters on the Epic record system
Skills: triage, ECG interpretation, patient education
"""

UNICODE_POSTING = """Entwickler·in Backend (m/w/d) – München

Aufgaben:
- Build services with Rust and gRPC for Zürich-based customers
- Experience with Kafka Streams and ClickHouse
"""

UNICODE_RESUME = """Zoë Müller
Software Engineer, Björk & Söhne GmbH, 2020–2023
- Rewrote the Überweisung service in Rust, halving latency 🚀
Skills: Rust, Kafka, ClickHouse
"""

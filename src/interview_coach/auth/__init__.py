"""Accounts, web sign-in sessions and real-time tickets."""

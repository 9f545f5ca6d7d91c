"""Local fake servers that speak real provider protocols (the only stand-ins the suite uses
for what is off this machine: cloud APIs)."""

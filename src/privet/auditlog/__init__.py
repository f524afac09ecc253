"""The audit log: every staff and automatic action on personal data, chained by hash."""

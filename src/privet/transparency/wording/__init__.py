"""The frame's words of the policy text, one module a language, all with the same keys."""

-- No column uses it, but the running version may still cast to it.
DROP TYPE mood;

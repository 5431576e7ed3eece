"""Long fault-injection runs (``make stress``) and the helpers the fast tests share."""

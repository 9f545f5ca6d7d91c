"""A client for any OpenAI-compatible chat endpoint (OpenAI, Ollama, vLLM, llama.cpp)."""

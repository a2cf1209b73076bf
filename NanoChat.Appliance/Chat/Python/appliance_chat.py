"""Chat generation inside a student's own kernel (never in the web process).

The web process runs `appliance_chat.reply(request_json)` in a namespace of its own in the user's
worker. Models are loaded once per (path, modification time) and stay warm between replies. Each
piece of text is sent as a display output with the MIME type TOKEN_MIME; the web process turns those
into `{"type": "token", "text": ...}` chat events. Stop = KeyboardInterrupt from the kernel.

Two kinds of checkpoint:
- "tiny-gpt": the CPU tutorial's format ("nanochat-appliance/tiny-gpt", version 1): a dict with
  config, vocab and model_state_dict; the model class is defined here, matching the tutorial.
- "nanochat-base" / "nanochat-sft" / "nanochat-rl": nanochat's own checkpoint_manager.load_model and
  Engine, from the nanochat checkout on sys.path.
"""
import json
import math
import os
import time

TOKEN_MIME = "application/vnd.nanochat.token+json"
_models = {}


class ChatError(Exception):
    """A problem the student can act on; its message is shown as the reply's error."""


def _emit(text):
    import appliance
    appliance.display({TOKEN_MIME: {"text": text}}, raw=True)


def reply(request_json):
    request = json.loads(request_json)
    model = _load(request["kind"], request["path"], request.get("step"))
    deadline = time.monotonic() + float(request.get("maxSeconds", 60))
    produced = 0
    for text in model.stream(request["messages"], int(request.get("maxTokens", 200)),
                             float(request.get("temperature", 0.8)), request.get("topK")):
        if text:
            _emit(text)
            produced += 1
        if time.monotonic() > deadline:
            print(f"[stopped: the reply reached its time limit of {request.get('maxSeconds', 60)} s]")
            break
    return produced


def _load(kind, path, step):
    if not os.path.exists(path):
        raise ChatError(f"The checkpoint file {path} is gone; train or register it again.")
    key = (kind, os.path.abspath(path), os.path.getmtime(path))
    if key not in _models:
        for stale in [k for k in _models if k[1] == key[1]]:
            del _models[stale]
        if kind == "tiny-gpt":
            _models[key] = TinyGptChat(path)
        elif kind.startswith("nanochat-"):
            _models[key] = NanochatChat(kind, path, step)
        else:
            raise ChatError(f"Unknown checkpoint kind {kind!r}.")
    return _models[key]


def _sample(logits, temperature, top_k, torch):
    if temperature <= 0:
        return int(torch.argmax(logits))
    logits = logits / temperature
    if top_k:
        k = min(int(top_k), logits.size(-1))
        values, _ = torch.topk(logits, k)
        logits = logits.masked_fill(logits < values[-1], float("-inf"))
    probabilities = torch.softmax(logits, dim=-1)
    return int(torch.multinomial(probabilities, 1))


_tiny_gpt = None


def tiny_gpt_class():
    """The CPU tutorial's TinyGPT (same parameter names, so its state_dict loads), built on first use."""
    global _tiny_gpt
    if _tiny_gpt is not None:
        return _tiny_gpt
    import torch
    from torch import nn
    from torch.nn import functional as F

    class CausalSelfAttention(nn.Module):
        def __init__(self, n_embd, n_head, block_size):
            super().__init__()
            self.n_head = n_head
            self.qkv = nn.Linear(n_embd, 3 * n_embd)
            self.proj = nn.Linear(n_embd, n_embd)
            mask = torch.tril(torch.ones(block_size, block_size)).view(1, 1, block_size, block_size)
            self.register_buffer("mask", mask, persistent=False)

        def forward(self, x):
            B, T, C = x.shape
            q, k, v = self.qkv(x).split(C, dim=2)
            q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))
            scores = (q @ k.transpose(-2, -1)) / math.sqrt(k.size(-1))
            scores = scores.masked_fill(self.mask[:, :, :T, :T] == 0, float("-inf"))
            return self.proj((F.softmax(scores, dim=-1) @ v).transpose(1, 2).contiguous().view(B, T, C))

    class Block(nn.Module):
        def __init__(self, n_embd, n_head, block_size):
            super().__init__()
            self.ln1 = nn.LayerNorm(n_embd)
            self.attn = CausalSelfAttention(n_embd, n_head, block_size)
            self.ln2 = nn.LayerNorm(n_embd)
            self.mlp = nn.Sequential(nn.Linear(n_embd, 4 * n_embd), nn.GELU(), nn.Linear(4 * n_embd, n_embd))

        def forward(self, x):
            x = x + self.attn(self.ln1(x))
            return x + self.mlp(self.ln2(x))

    class TinyGPT(nn.Module):
        def __init__(self, vocab_size, block_size, n_embd, n_head, n_layer):
            super().__init__()
            self.tok_emb = nn.Embedding(vocab_size, n_embd)
            self.pos_emb = nn.Embedding(block_size, n_embd)
            self.blocks = nn.Sequential(*[Block(n_embd, n_head, block_size) for _ in range(n_layer)])
            self.ln_f = nn.LayerNorm(n_embd)
            self.head = nn.Linear(n_embd, vocab_size)

        def forward(self, idx):
            x = self.tok_emb(idx) + self.pos_emb(torch.arange(idx.shape[1]))
            return self.head(self.ln_f(self.blocks(x)))

    _tiny_gpt = TinyGPT
    return TinyGPT


class TinyGptChat:
    """The tutorial's character-level GPT: continues the last user message character by character."""

    def __init__(self, path):
        import torch
        try:
            checkpoint = torch.load(path, map_location="cpu")
        except Exception as error:  # a truncated or foreign file
            raise ChatError(f"{path} is not a readable checkpoint ({type(error).__name__}: {error}).") from None
        if not isinstance(checkpoint, dict) or checkpoint.get("format") != "nanochat-appliance/tiny-gpt":
            raise ChatError(f"{path} is not a tiny-GPT checkpoint (format 'nanochat-appliance/tiny-gpt').")
        self.torch = torch
        self.vocab = list(checkpoint["vocab"])
        self.index = {ch: i for i, ch in enumerate(self.vocab)}
        config = checkpoint["config"]
        self.block_size = int(config["block_size"])

        TinyGPT = tiny_gpt_class()
        self.model = TinyGPT(**{k: int(config[k]) for k in ("vocab_size", "block_size", "n_embd", "n_head", "n_layer")})
        try:
            self.model.load_state_dict(checkpoint["model_state_dict"])
        except (RuntimeError, KeyError) as error:
            raise ChatError(f"{path} does not match the tiny-GPT model: {error}") from None
        self.model.eval()

    def stream(self, messages, max_tokens, temperature, top_k):
        torch = self.torch
        prompt = next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")
        ids = [self.index[ch] for ch in prompt if ch in self.index] or [0]
        context = torch.tensor([ids], dtype=torch.long)
        with torch.no_grad():
            for _ in range(max_tokens):
                logits = self.model(context[:, -self.block_size:])[0, -1]
                token = _sample(logits, temperature, top_k, torch)
                context = torch.cat([context, torch.tensor([[token]])], dim=1)
                yield self.vocab[token]


class NanochatChat:
    """A nanochat checkpoint through nanochat's own checkpoint_manager and Engine (needs the checkout)."""

    def __init__(self, kind, path, step):
        try:
            import torch
            from nanochat.checkpoint_manager import load_model
            from nanochat.common import autodetect_device_type
            from nanochat.engine import Engine
        except ImportError as error:
            raise ChatError(f"nanochat is not importable in this kernel ({error}); start the appliance with --nanochat DIR.") from None
        source = {"nanochat-base": "base", "nanochat-sft": "sft", "nanochat-rl": "rl"}[kind]
        model_tag = os.path.basename(os.path.dirname(path))
        device = torch.device(autodetect_device_type())
        self.torch = torch
        self.model, self.tokenizer, _ = load_model(source, device, phase="eval", model_tag=model_tag, step=step)
        self.engine = Engine(self.model, self.tokenizer)
        self.chat_tuned = source != "base"
        self.stop_ids = {self.tokenizer.encode_special("<|assistant_end|>"), self.tokenizer.get_bos_token_id()}

    def stream(self, messages, max_tokens, temperature, top_k):
        if self.chat_tuned:
            conversation = {"messages": [dict(m) for m in messages] + [{"role": "assistant", "content": ""}]}
            tokens = self.tokenizer.render_for_completion(conversation)
        else:
            prompt = next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")
            tokens = self.tokenizer.encode(prompt, prepend=self.tokenizer.get_bos_token_id())
        generated, sent = [], ""
        for column, _ in self.engine.generate(tokens, num_samples=1, max_tokens=max_tokens, temperature=temperature,
                                              top_k=top_k or None, seed=int(time.time())):
            token = column[0]
            if token in self.stop_ids:
                break
            generated.append(token)
            text = self.tokenizer.decode(generated)
            if text.endswith("\ufffd"):  # half a multi-byte character: wait for the rest
                continue
            yield text[len(sent):]
            sent = text

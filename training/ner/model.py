"""PyTorch module: shared MiniLM encoder + learned casing embedding + NER head.

A future stance head can be added as another attribute (e.g. `stance_head` on the pooled
[CLS] state) returning `stance_logits` [batch, 3] next to `logits`.
"""
import torch
from torch import nn
from transformers import BertConfig, BertModel

from common import LABELS, NUM_CASE_IDS


def config_for(meta, base=None):
    """The BertConfig of a training run: the base encoder's, with the run's depth (`num_layers`, set by
    distillation) and feed-forward width (`intermediate_size`, set by pruning) from its meta.json."""
    cfg = BertConfig.from_pretrained(base or meta["base"])
    cfg._attn_implementation = "eager"
    cfg.num_hidden_layers = meta.get("num_layers") or cfg.num_hidden_layers
    cfg.intermediate_size = meta.get("intermediate_size") or cfg.intermediate_size
    return cfg


class DetenteEncoderModel(nn.Module):
    def __init__(self, config: BertConfig, num_labels=len(LABELS), num_case_ids=NUM_CASE_IDS, use_case=True):
        super().__init__()
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.use_case = use_case
        self.case_emb = nn.Embedding(num_case_ids, config.hidden_size, padding_idx=0)
        nn.init.zeros_(self.case_emb.weight)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.ner_head = nn.Linear(config.hidden_size, num_labels)
        nn.init.normal_(self.ner_head.weight, std=0.02)
        nn.init.zeros_(self.ner_head.bias)

    @classmethod
    def from_base(cls, base_dir, use_case=True, layers=0, init=None, ffn=0):
        """The base encoder (or the fine-tuned checkpoint `init`), cut to its bottom `layers` layers if > 0,
        with each feed-forward block pruned to its `ffn` most important units if > 0."""
        cfg = BertConfig.from_pretrained(base_dir)
        cfg._attn_implementation = "eager"
        if layers:
            cfg.num_hidden_layers = layers
        if init:
            sd = torch.load(init, map_location="cpu", weights_only=True)
            sd = {k: v for k, v in sd.items() if not k.startswith("encoder.encoder.layer.")
                  or int(k.split(".")[3]) < cfg.num_hidden_layers}
            sd = {k: v for k, v in sd.items() if not k.startswith(("stance_head.", "role_head."))}
            inter = sd["encoder.encoder.layer.0.intermediate.dense.weight"].shape[0]
            if ffn and ffn < inter:
                sd = prune_ffn(sd, cfg.num_hidden_layers, ffn)
                inter = ffn
            cfg.intermediate_size = inter
            m = cls(cfg, use_case=use_case)
            m.load_state_dict(sd, strict=True)
            return m
        assert not ffn, "--ffn needs --init"
        m = cls(cfg, use_case=use_case)
        base = BertModel.from_pretrained(base_dir, add_pooling_layer=False, attn_implementation="eager")
        sd = base.state_dict()
        if layers:
            sd = {k: v for k, v in sd.items() if not k.startswith("encoder.layer.") or int(k.split(".")[2]) < layers}
        missing, unexpected = m.encoder.load_state_dict(sd, strict=False)
        assert not missing, missing
        return m

    def embed(self, input_ids, case_ids):
        e = self.encoder.embeddings.word_embeddings(input_ids)
        if self.use_case:
            e = e + self.case_emb(case_ids)
        return e

    def forward(self, input_ids, attention_mask, case_ids):
        h = self.encoder(inputs_embeds=self.embed(input_ids, case_ids), attention_mask=attention_mask).last_hidden_state
        return self.ner_head(self.dropout(h))


def prune_ffn(sd, n_layers, keep):
    """Keeps, in every layer, the `keep` feed-forward units with the largest ||w_in|| * ||w_out|| (a structured
    prune: both matrices lose whole rows/columns, so the layer stays a plain, smaller BERT layer)."""
    sd = dict(sd)
    for i in range(n_layers):
        p = f"encoder.encoder.layer.{i}."
        w_in, b_in = sd[p + "intermediate.dense.weight"], sd[p + "intermediate.dense.bias"]
        w_out = sd[p + "output.dense.weight"]
        score = w_in.norm(dim=1) * w_out.norm(dim=0)
        idx = score.topk(keep).indices.sort().values
        sd[p + "intermediate.dense.weight"] = w_in[idx].clone()
        sd[p + "intermediate.dense.bias"] = b_in[idx].clone()
        sd[p + "output.dense.weight"] = w_out[:, idx].clone()
    return sd

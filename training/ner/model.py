"""PyTorch module: shared MiniLM encoder + learned casing embedding + NER head.

A future stance head can be added as another attribute (e.g. `stance_head` on the pooled
[CLS] state) returning `stance_logits` [batch, 3] next to `logits`.
"""
import torch
from torch import nn
from transformers import BertConfig, BertModel

from common import LABELS, NUM_CASE_IDS


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
    def from_base(cls, base_dir, use_case=True):
        cfg = BertConfig.from_pretrained(base_dir)
        cfg._attn_implementation = "eager"
        m = cls(cfg, use_case=use_case)
        base = BertModel.from_pretrained(base_dir, add_pooling_layer=False, attn_implementation="eager")
        missing, unexpected = m.encoder.load_state_dict(base.state_dict(), strict=False)
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

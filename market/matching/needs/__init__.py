"""The people supported and what they need: recipients and who may act for them
(``recipients``), needs from draft to filled (``lifecycle``, saved under their version by
``versions``), their rules (``checks``), weekly slots and cover dates (``times``), the
forms that build their inputs (``forms``), and their pages and API.
"""

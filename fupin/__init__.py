"""fupin — 精准扶贫信息系统 (precision poverty alleviation), the Hinggan League model."""

__version__ = "0.1.0"

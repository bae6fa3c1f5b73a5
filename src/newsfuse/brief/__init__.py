"""Brief stage: a cited summary per story, and the report files people and tools read."""

from newsfuse.brief.report import report_to_dict, story_to_dict
from newsfuse.brief.summary import summarize
from newsfuse.brief.write import write_report

__all__ = ["report_to_dict", "story_to_dict", "summarize", "write_report"]

# A copy of a README "Quick start" block, type-checked by mypy --strict and pyright --strict
# (tests/codegen/test_readme_quick_start.py keeps it equal to the README).
from label_studio_sdk import LabelStudio

client = LabelStudio(base_url="http://localhost:8080", api_key="YOUR_API_KEY")

project = client.projects.create(
    title="Sentiment",
    label_config="""
    <View>
      <Text name="text" value="$text"/>
      <Choices name="sentiment" toName="text">
        <Choice value="Positive"/><Choice value="Negative"/>
      </Choices>
    </View>""",
)
client.projects.import_tasks(project.id, request=[{"text": "great"}, {"text": "awful"}])

for task in client.tasks.list(project=project.id, fields="all"):  # every page, one at a time
    print(task.id, task.data["text"], len(task.annotations or []))

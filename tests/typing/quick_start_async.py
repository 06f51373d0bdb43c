# A copy of a README "Quick start" block, type-checked by mypy --strict and pyright --strict
# (tests/codegen/test_readme_quick_start.py keeps it equal to the README).
import asyncio

from label_studio_sdk import AsyncLabelStudio


async def main() -> None:
    async with AsyncLabelStudio(base_url="http://localhost:8080", api_key="YOUR_API_KEY") as client:
        project = await client.projects.get(1)
        async for task in client.tasks.list(project=project.id):
            print(task.id)
        pager = await client.projects.list(page_size=50)  # fetches the first page now
        print(pager.total, "projects")


asyncio.run(main())
